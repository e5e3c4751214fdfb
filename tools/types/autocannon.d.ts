declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    method?: string;
    body?: string;
    /** Called once per connection before its first request: lets each connection send its own request. */
    setupClient?: (client: Client) => void;
  }
  interface Client {
    /** Replaces the connection's request list (setRequest alone is undone when the list comes round again). */
    setRequests(requests: { method?: string; path?: string; headers?: Record<string, string>; body?: string }[]): void;
  }
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
