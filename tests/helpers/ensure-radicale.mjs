// The CalDAV tests run against a real server: Debian's Radicale. Installs the package when it is
// missing and we may (root with apt-get), else says how.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const radicale = process.env.RADICALE_BIN ?? "/usr/bin/radicale";
if (!existsSync(radicale)) {
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (!canInstall) {
    console.error(`Radicale was not found at ${radicale}. Install Debian's package (sudo apt-get install -y radicale) or point RADICALE_BIN at a radicale binary.`);
    process.exit(1);
  }
  console.log(`Radicale not found at ${radicale}: installing Debian's radicale package…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  // The tests start their own servers on free ports; whatever service the package may start is not used.
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "radicale"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
