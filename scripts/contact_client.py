#!/usr/bin/env python3
"""The contact-logging client of the soak (scripts/load-test.sh with SOAK=seconds).

POST /v1/accounts/{id}/contacts on CONNECTIONS keep-alive connections for SECONDS: an
sms no_answer on accounts A0000001..A<ACCOUNTS> in turn (no rule blocks logging one).
Each connection sends its next request only after the answer to the last, and stops at
the deadline after its request in flight is answered, so every request sent is counted
exactly once: acknowledged (2xx), refused (another status) or failed (a socket error or
a timeout, after which the server may or may not have written the row).

    contact_client.py PORT TOKEN_FILE SECONDS [CONNECTIONS [ACCOUNTS]]

Prints one line: RESULT sent=… acked=… non2xx=… socket_errors=… rps=… p50_ms=… p99_ms=…
"""
import http.client
import sys
import threading
import time


def main() -> None:
    port, token_file, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    accounts = int(sys.argv[5]) if len(sys.argv) > 5 else 5000
    token = open(token_file).read().strip()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = b'{"channel":"sms","outcome":"no_answer"}'
    start = time.monotonic()
    deadline = start + seconds
    results = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        sent = acked = refused = failed = 0
        latencies = []
        statuses = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k
        while time.monotonic() < deadline:
            account = "A%07d" % (i % accounts + 1)
            i += connections
            t0 = time.monotonic()
            sent += 1
            try:
                conn.request("POST", f"/v1/accounts/{account}/contacts", body, headers)
                response = conn.getresponse()
                response.read()
                if 200 <= response.status < 300:
                    acked += 1
                else:
                    refused += 1
                    statuses[response.status] = statuses.get(response.status, 0) + 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies.append(time.monotonic() - t0)
        conn.close()
        with lock:
            results.append((sent, acked, refused, failed, latencies, statuses))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    sent = sum(r[0] for r in results)
    acked = sum(r[1] for r in results)
    refused = sum(r[2] for r in results)
    failed = sum(r[3] for r in results)
    latencies = sorted(x for r in results for x in r[4])
    statuses = {}
    for r in results:
        for s, n in r[5].items():
            statuses[s] = statuses.get(s, 0) + n

    def percentile(q: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    extra = "".join(f" status_{s}={n}" for s, n in sorted(statuses.items()))
    print(f"RESULT sent={sent} acked={acked} non2xx={refused} socket_errors={failed} rps={sent / elapsed:.1f} "
          f"p50_ms={percentile(0.5):.3f} p99_ms={percentile(0.99):.3f}{extra}")


if __name__ == "__main__":
    main()
