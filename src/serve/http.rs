//! The small HTTP/1.1 server under `signpost serve`, on `std::net`: one thread per
//! connection (at most [`Limits::connections`] at once; more are told 503), one request per
//! connection, every answer sent with `Connection: close`.
//!
//! One request per connection keeps it simple and correct for a local preview: an idle
//! browser connection never holds a thread or a place, there is no request framing to get
//! wrong after the first answer, and a new TCP connection on 127.0.0.1 costs microseconds.
//! Request heads are bounded ([`Limits::head_bytes`]; 414 or 431 above it), garbage gets
//! 400, a slow or silent client is dropped after [`Limits::read_timeout`], and a panic while
//! answering gives 500 on that connection only.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How much the server takes on.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Connections served at once, held live-reload polls included; more are told 503.
    pub connections: usize,
    /// Bytes of request line and headers.
    pub head_bytes: usize,
    /// How long a client has to send its request line and headers, in all.
    pub read_timeout: Duration,
    /// How long a client may take to read the answer.
    pub write_timeout: Duration,
}

impl Default for Limits {
    /// 128 connections: room for the 64 held live-reload polls and the pages around them.
    /// 64 KB of head: search links with many filters make long request lines. 30 s to send
    /// a request: longer than the 10 s Chromium keeps an unused preconnected socket, so the
    /// browser, not the server, closes those.
    fn default() -> Limits {
        Limits {
            connections: 128,
            head_bytes: 64 * 1024,
            read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// A request's method and target (path and query, as sent).
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
}

/// An answer: status, headers and body. `Content-Length` and `Connection` are added when
/// it is sent.
#[derive(Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    /// The first header called `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The bytes sent: status line, headers, and the body unless `head_only`. Headers with
    /// a line break in them are left out rather than split into two.
    fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let clean = |s: &str| !s.contains(['\r', '\n']);
            if clean(name) && clean(value) {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = out.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// The answer the server itself gives when it cannot hand a request on.
fn problem(status: u16, text: &str) -> Reply {
    let mut reply =
        Reply::new(status, text).with_header("Content-Type", "text/plain; charset=utf-8");
    for (name, value) in super::SECURITY_HEADERS {
        reply = reply.with_header(name, value);
    }
    reply
}

/// Serves connections from `listener` for ever, answering each request with `handler`
/// on the connection's own thread.
pub fn serve<F>(listener: TcpListener, limits: Limits, handler: F) -> !
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // Out of file handles, or the client gave up before it was accepted.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let Some(place) = Place::take(&open, limits.connections) else {
            refuse(stream);
            continue;
        };
        let (handler, limits) = (handler.clone(), limits.clone());
        // Should the thread not start, the closure is dropped with the stream and the place:
        // the connection is closed and the place given back.
        let _ = std::thread::Builder::new()
            .name("http".into())
            .spawn(move || {
                let _place = place;
                connection(stream, &limits, &*handler);
            });
    }
}

/// One of the open connections; given back when dropped, however the connection ends.
struct Place(Arc<AtomicUsize>);

impl Place {
    fn take(open: &Arc<AtomicUsize>, limit: usize) -> Option<Place> {
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < limit).then_some(n + 1)
        })
        .ok()
        .map(|_| Place(open.clone()))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Tells a connection above the limit to come back, without giving it a thread.
fn refuse(mut stream: TcpStream) {
    // Take what has arrived of the request, so closing does not reset the connection
    // before the answer is read.
    if stream.set_nonblocking(true).is_ok() {
        let mut buf = [0u8; 8192];
        let _ = stream.read(&mut buf);
    }
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let reply =
        problem(503, "The server is busy; try again in a moment.").with_header("Retry-After", "1");
    let _ = stream.write_all(&reply.to_bytes(false));
    let _ = stream.shutdown(Shutdown::Write);
}

fn connection(mut stream: TcpStream, limits: &Limits, handler: &dyn Fn(&Request) -> Reply) {
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let answer = match read_head(&mut stream, limits) {
        Ok(head) => match parse(&head) {
            Ok(request) => {
                let head_only = request.method == "HEAD";
                let reply = catch_unwind(AssertUnwindSafe(|| handler(&request)))
                    .unwrap_or_else(|_| problem(500, "Something went wrong answering this."));
                Some((reply, head_only))
            }
            Err(status) => Some((problem(status, "The request could not be read."), false)),
        },
        Err(Some(status)) => Some((problem(status, "The request is too long."), false)),
        // Closed, reset or silent before a whole request came: nothing to answer.
        Err(None) => None,
    };
    if let Some((reply, head_only)) = answer {
        let _ = stream.write_all(&reply.to_bytes(head_only));
    }
    let _ = stream.shutdown(Shutdown::Write);
    drain(&mut stream);
}

/// Reads up to the blank line that ends the headers; returns the bytes before it. Err(Some)
/// is the status for a head over the limit; Err(None): the connection closed, failed or
/// timed out first.
fn read_head(stream: &mut TcpStream, limits: &Limits) -> Result<Vec<u8>, Option<u16>> {
    let started = Instant::now();
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = head_end(&head) {
            if end <= limits.head_bytes {
                head.truncate(end);
                return Ok(head);
            }
        }
        if head.len() > limits.head_bytes {
            let line_ended = head[..limits.head_bytes].contains(&b'\n');
            return Err(Some(if line_ended { 431 } else { 414 }));
        }
        let left = limits.read_timeout.saturating_sub(started.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(None);
        }
        match stream.read(&mut buf) {
            Ok(0) => return Err(None),
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(None),
        }
    }
}

/// Where the head ends: the first empty line (CRLF CRLF, or bare LF LF).
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Reads what the client still sends after the answer (a body, say) for a moment, so the
/// connection closes cleanly instead of with a reset that could lose the answer.
fn drain(stream: &mut TcpStream) {
    let started = Instant::now();
    let mut buf = [0u8; 8192];
    let mut total = 0;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    while total < 1024 * 1024 && started.elapsed() < Duration::from_secs(2) {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// The request line and headers, checked: Err is the status to answer with.
pub fn parse(head: &[u8]) -> Result<Request, u16> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let line = lines.next().ok_or(400u16)?;
    let line = std::str::from_utf8(line).map_err(|_| 400u16)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if !is_token(method.as_bytes())
        || target.is_empty()
        || target.bytes().any(|b| b <= b' ' || b == 0x7f)
    {
        return Err(400);
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.starts_with("HTTP/") => return Err(505),
        _ => return Err(400),
    }
    for header in lines {
        let colon = header.iter().position(|&b| b == b':').ok_or(400u16)?;
        if !is_token(&header[..colon]) {
            return Err(400);
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: origin_form(target).to_string(),
    })
}

/// `http://host/path?q` as `/path?q`; other targets as they are.
fn origin_form(target: &str) -> &str {
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    let rest = if lower.starts_with("http://") {
        &target[7..]
    } else if lower.starts_with("https://") {
        &target[8..]
    } else {
        return target;
    };
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => &rest[i..],
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn start(limits: Limits) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            serve(listener, limits, |r: &Request| {
                if r.target == "/panic" {
                    panic!("a handler that fails");
                }
                Reply::new(200, format!("{} {}", r.method, r.target))
                    .with_header("Content-Type", "text/plain")
            })
        });
        addr
    }

    /// Sends raw bytes, returns everything the server sent until it closed.
    fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let _ = s.write_all(bytes);
        let _ = s.shutdown(Shutdown::Write);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn status(answer: &str) -> u16 {
        answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    #[test]
    fn answers_requests_and_refuses_garbage_without_failing() {
        let addr = start(Limits::default());
        let ok = exchange(addr, b"GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains("\r\nContent-Length: 10\r\n"), "{ok}");
        assert!(ok.contains("\r\nConnection: close\r\n"), "{ok}");
        assert!(ok.ends_with("\r\n\r\nGET /a?b=c"), "{ok}");
        let head = exchange(addr, b"HEAD / HTTP/1.0\n\n");
        assert!(head.contains("Content-Length: 6\r\n"), "{head}");
        assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");
        let absolute = exchange(addr, b"GET http://127.0.0.1/x?y HTTP/1.1\r\n\r\n");
        assert!(absolute.ends_with("GET /x?y"), "{absolute}");

        for (bytes, want) in [
            (b"\x00\x01\x02\r\n\r\n".to_vec(), 400),
            (b"GET /\r\n\r\n".to_vec(), 400),
            (b"GET / HTTP/1.1 extra\r\n\r\n".to_vec(), 400),
            (b"GET /a b HTTP/1.1\r\n\r\n".to_vec(), 400),
            (b"GET /\xff HTTP/1.1\r\n\r\n".to_vec(), 400),
            (b"G(T / HTTP/1.1\r\n\r\n".to_vec(), 400),
            (b"GET / FTP/1.0\r\n\r\n".to_vec(), 400),
            (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n".to_vec(), 400),
            (b"GET / HTTP/1.1\r\n: empty name\r\n\r\n".to_vec(), 400),
            (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(), 505),
            ([b"GET /".as_slice(), &[b'a'; 70_000]].concat(), 414),
            (
                [
                    b"GET / HTTP/1.1\r\nX: ".as_slice(),
                    &[b'a'; 70_000],
                    b"\r\n\r\n",
                ]
                .concat(),
                431,
            ),
        ] {
            let answer = exchange(addr, &bytes);
            assert_eq!(status(&answer), want, "{:?}", &bytes[..bytes.len().min(40)]);
            assert!(
                answer.contains("X-Content-Type-Options: nosniff"),
                "{answer}"
            );
        }
        // A POST with a body is answered (here by the handler) and the body read away.
        let post = exchange(
            addr,
            &[
                b"POST / HTTP/1.1\r\nContent-Length: 100000\r\n\r\n".as_slice(),
                &[b'x'; 100_000],
            ]
            .concat(),
        );
        assert!(post.ends_with("POST /"), "{post}");

        // A failing handler costs its own request only.
        assert_eq!(status(&exchange(addr, b"GET /panic HTTP/1.1\r\n\r\n")), 500);
        assert_eq!(status(&exchange(addr, b"GET / HTTP/1.1\r\n\r\n")), 200);
        // Closing before a whole request is no problem either.
        drop(TcpStream::connect(addr).unwrap());
        assert_eq!(exchange(addr, b"GET / HTT"), "");
        assert_eq!(status(&exchange(addr, b"GET / HTTP/1.1\r\n\r\n")), 200);
    }

    #[test]
    fn connections_above_the_limit_are_told_to_come_back() {
        let addr = start(Limits {
            connections: 2,
            read_timeout: Duration::from_secs(120),
            ..Limits::default()
        });
        // Two silent connections hold both places.
        let first = TcpStream::connect(addr).unwrap();
        let _second = TcpStream::connect(addr).unwrap();
        let busy = exchange(addr, b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(status(&busy), 503, "{busy}");
        assert!(busy.contains("Retry-After: 1\r\n"), "{busy}");
        // A place is given back when a connection closes.
        drop(first);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = exchange(addr, b"GET / HTTP/1.1\r\n\r\n");
            if status(&answer) == 200 {
                break;
            }
            assert_eq!(status(&answer), 503, "{answer}");
            assert!(Instant::now() < deadline, "the place was never given back");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn a_silent_client_is_dropped_after_the_read_timeout() {
        let addr = start(Limits {
            read_timeout: Duration::from_millis(300),
            ..Limits::default()
        });
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        // A request trickled in slower than the timeout allows in all.
        let started = Instant::now();
        for b in b"GET / HTTP/1.1\r\n" {
            if s.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn parse_never_panics_and_reads_what_it_accepts() {
        assert_eq!(
            parse(b"GET /x HTTP/1.1\r\nHost: a\r\nX-Odd: \xff\xfe"),
            Ok(Request {
                method: "GET".into(),
                target: "/x".into()
            })
        );
        assert_eq!(origin_form("HTTP://h"), "/");
        assert_eq!(origin_form("http://h?q"), "/");
        assert_eq!(origin_form("https://h/p"), "/p");
        assert_eq!(origin_form("ht"), "ht");
        // Deterministic noise built from pieces of requests.
        let pieces: [&[u8]; 10] = [
            b"GET",
            b" ",
            b"/",
            b"\r\n",
            b"\n",
            b":",
            b"HTTP/1.1",
            b"\xff",
            b"http://",
            b"\xc3",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut bytes = Vec::new();
            for _ in 0..(x % 12) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.extend_from_slice(pieces[(x % 10) as usize]);
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if let Ok(r) = parse(&bytes) {
                assert!(is_token(r.method.as_bytes()) && !r.target.is_empty());
            }
            let _ = head_end(&bytes);
        }
    }
}
