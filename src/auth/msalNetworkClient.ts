import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { fetch, type Agent } from "undici";

/**
 * MSAL's network module over undici with our trusted Agent. MSAL expects the parsed JSON body and
 * lower-cased header names, as its built-in client returns them.
 */
export function createMsalNetworkClient(dispatcher: Agent): INetworkModule {
  async function send<T>(method: "GET" | "POST", url: string, options?: NetworkRequestOptions, timeoutMs?: number): Promise<NetworkResponse<T>> {
    const res = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === "POST" ? options?.body : undefined,
      dispatcher,
      signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: "invalid_response", error_description: `Non-JSON response (${res.status})` };
    }
    return { headers, body: body as T, status: res.status };
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send("GET", url, options, timeout),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };
}
