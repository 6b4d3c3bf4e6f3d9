// @ewsjs/ntlm-client is CommonJS without named-export hints, so Node's ESM loader only offers its
// default export: it is declared (and imported) that way.
declare module "@ewsjs/ntlm-client" {
  export interface Type2Message {
    flags: number;
    challenge: Buffer;
    targetName: string;
  }
  const client: {
    createType1Message(workstation?: string, target?: string): string;
    decodeType2Message(header: string): Type2Message;
    createType3Message(type2: Type2Message, username: string, password: string, workstation?: string, target?: string): string;
  };
  export default client;
}
