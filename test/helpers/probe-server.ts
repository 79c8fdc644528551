// A busybox httpd whose probe path is a CGI script that records each request (the
// probe's header, the client address, the User-Agent) as one line in a file, and
// answers 200 while a marker file exists, else 503. For the probe tests to see
// what actually reached the server, not only whether the probe passed.

/**
 * The container's shell command: serves on `port` from /www, `/cgi-bin/probe` is
 * the probe path, requests land in /www/requests as "<X-Probe> <REMOTE_ADDR>
 * <User-Agent>", and /www/ready is the marker (created after `readyAfter` s).
 */
export function recordingHttpd(port: number, readyAfter = 0): string {
  const cgi = [
    '#!/bin/sh',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
    'echo "${HTTP_X_PROBE:--} $REMOTE_ADDR ${HTTP_USER_AGENT:--}" >> /www/requests',
    'if [ -f /www/ready ]; then printf "Status: 200 OK\\r\\n\\r\\nok\\n"; else printf "Status: 503 Not Ready\\r\\n\\r\\nno\\n"; fi',
  ].join('\n');
  return [
    'mkdir -p /www/cgi-bin',
    `printf '%s\\n' '${cgi.replaceAll("'", "'\\''")}' > /www/cgi-bin/probe`,
    'chmod +x /www/cgi-bin/probe',
    'touch /www/requests',
    `(sleep ${readyAfter}; touch /www/ready) &`,
    `exec httpd -f -p ${port} -h /www`,
  ].join('\n');
}
