// proxy-addr (Express's own dependency, which computes req.ip) ships no types: the part used here.
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';

  type Trust = (address: string, hop: number) => boolean;
  function proxyaddr(req: IncomingMessage, trust: Trust): string;
  namespace proxyaddr {
    function compile(value: string | readonly string[]): Trust;
  }
  export = proxyaddr;
}
