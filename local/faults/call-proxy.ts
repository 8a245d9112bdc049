import {
  Agent,
  IncomingMessage,
  ServerResponse,
  createServer,
  request as httpRequest,
} from "node:http";
import type { AddressInfo } from "node:net";

import { LOOPBACK } from "../emulators";
import { ArnContext, AwsCall, AwsService, RawRequest, describeAwsCall } from "./aws-call";
import { errorResponse } from "./fault-responses";
import { FaultKind, FaultPlan } from "./fault-plan";

/** One AWS call a function made, what the proxy did with it and how it ended. */
export interface CallRecord extends AwsCall {
  readonly functionName: string;
  /** When the request arrived, epoch milliseconds. */
  readonly at: number;
  /** The fault injected, if any. */
  readonly fault?: FaultKind;
  /** HTTP status the function received; absent when it received none (drop, timeout). */
  status?: number;
  /** For an SNS Publish that went through: the MessageId the service gave it. */
  messageId?: string;
}

/** The endpoints the SDK is aimed at, one per service. */
export type ServiceEndpoints = Readonly<Record<AwsService, string>>;

/** What one function's proxy forwards to and how it disturbs the traffic. */
export interface CallProxyOptions {
  readonly functionName: string;
  /** The emulators, where undisturbed requests go. */
  readonly targets: ServiceEndpoints;
  readonly arnContext: ArnContext;
  /** Faults to inject; none when omitted. */
  readonly plan?: FaultPlan;
  /** Receives every call as it arrives; its status is filled in when it ends. */
  readonly onCall: (record: CallRecord) => void;
}

/** A running proxy. */
export interface CallProxy {
  /** `http://127.0.0.1:PORT`: give this to the function as every service's endpoint. */
  readonly url: string;
  /** Closes the proxy and every connection it holds. */
  stop(): Promise<void>;
}

/** Connection-level headers that describe one hop, not the request. */
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "expect", "upgrade"]);

function forwardedHeaders(
  headers: IncomingMessage["headers"],
  length: number,
): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) kept[name] = value;
  }
  kept["content-length"] = String(length);

  return kept;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);

  return Buffer.concat(chunks);
}

/**
 * Starts an HTTP proxy on 127.0.0.1 for one function. The function's SDK
 * sends every service's requests to it; it tells the services apart by the
 * SigV4 credential scope, records each call as (service, action, resource)
 * and either forwards it unchanged (the Host header too, which the
 * signature covers) or injects the fault its plan decides.
 */
export async function startCallProxy(options: CallProxyOptions): Promise<CallProxy> {
  const agent = new Agent({ keepAlive: true });

  const forward = (
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    body: Buffer,
    service: AwsService,
    record: CallRecord,
  ) => {
    const target = new URL(options.targets[service]);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: forwardedHeaders(incoming.headers, body.length),
        agent,
      },
      (answer) => {
        const headers = { ...answer.headers };
        for (const name of HOP_HEADERS) delete headers[name];
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        record.status = answer.statusCode;
        const wantsMessageId = record.service === "sns" && record.operation === "Publish";
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => {
          if (wantsMessageId) chunks.push(chunk);
          outgoing.write(chunk);
        });
        answer.on("end", () => {
          if (wantsMessageId) {
            record.messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(
              Buffer.concat(chunks).toString(),
            )?.[1];
          }
          outgoing.end();
        });
      },
    );
    upstream.on("error", () => incoming.socket.destroy());
    upstream.end(body);
  };

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      const raw: RawRequest = {
        method: incoming.method ?? "GET",
        url: incoming.url ?? "/",
        headers: incoming.headers,
        body,
      };
      const calls = describeAwsCall(raw, options.arnContext);
      if (calls.length === 0) {
        outgoing.writeHead(400, { "content-type": "text/plain" });
        outgoing.end("the call proxy cannot tell which AWS service this request is for\n");
        return;
      }
      const fault = options.plan?.decide(options.functionName, calls[0]);
      const records = calls.map(
        (call): CallRecord => ({
          ...call,
          functionName: options.functionName,
          at: Date.now(),
          fault: fault?.kind,
        }),
      );
      records.forEach(options.onCall);
      const [record] = records;
      const { service } = record;

      switch (fault?.kind) {
        case "throttle":
        case "server-error": {
          const answer = errorResponse(service, fault.kind, fault.variant);
          record.status = answer.status;
          outgoing.writeHead(answer.status, answer.headers);
          outgoing.end(incoming.method === "HEAD" ? undefined : answer.body);
          return;
        }
        case "drop":
          incoming.socket.destroy();
          return;
        case "timeout":
          // Held: nothing is answered; the client's timeout, the function's, or stop() ends it.
          return;
        case "delay":
          setTimeout(() => {
            if (!incoming.socket.destroyed) forward(incoming, outgoing, body, service, record);
          }, fault.delayMs);
          return;
        default:
          forward(incoming, outgoing, body, service, record);
      }
    })().catch(() => incoming.socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${LOOPBACK}:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
