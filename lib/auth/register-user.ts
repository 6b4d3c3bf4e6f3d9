import { getDb } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors";
import type { SignUpValues } from "../validations/auth";
import { hashPassword } from "./password";

export interface RegisteredUser {
  id: string;
  email: string;
  name: string;
}

export async function registerUser({ name, email, password, timeZone }: SignUpValues): Promise<RegisteredUser> {
  const db = await getDb();
  try {
    return await db.user.create({
      data: { name, email, timeZone, passwordHash: await hashPassword(password) },
      select: { id: true, email: true, name: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", "This email is already registered. Sign in instead.", {
        email: "This email is already registered.",
      });
    }
    throw error;
  }
}
