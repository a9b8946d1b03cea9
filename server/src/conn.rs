//! Connection limits against slow and idle clients (slowloris): at most `max_total` open
//! connections and `max_per_ip` from one client address. A connection over either limit does not
//! wait and is not refused: the least recently active connection (of that address, or of all when
//! the total is reached) is closed to make room, so idle sockets, however many, cannot lock a
//! legitimate client out. Idle and slow connections are also closed by the header read timeout
//! (hyper) and the body timeout (`api`).

use axum_server::accept::Accept;
use futures_util::task::AtomicWaker;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Shared between a connection's stream and the tracker.
struct Ctl {
    /// Milliseconds since the tracker started, at the last byte read or written.
    last_active: AtomicU64,
    evicted: AtomicBool,
    waker: AtomicWaker,
}

struct Entry {
    ip: IpAddr,
    ctl: Arc<Ctl>,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    conns: HashMap<u64, Entry>,
    per_ip: HashMap<IpAddr, usize>,
}

impl Table {
    fn remove(&mut self, id: u64) {
        if let Some(e) = self.conns.remove(&id) {
            if let Some(n) = self.per_ip.get_mut(&e.ip) {
                *n -= 1;
                if *n == 0 {
                    self.per_ip.remove(&e.ip);
                }
            }
        }
    }

    /// Closes the least recently active connection (of `ip` when given).
    fn evict_one(&mut self, ip: Option<IpAddr>) -> bool {
        let victim = self
            .conns
            .iter()
            .filter(|(_, e)| ip.is_none_or(|ip| e.ip == ip))
            .min_by_key(|(id, e)| (e.ctl.last_active.load(Ordering::Relaxed), **id))
            .map(|(id, _)| *id);
        if let Some(id) = victim {
            if let Some(e) = self.conns.get(&id) {
                e.ctl.evicted.store(true, Ordering::SeqCst);
                e.ctl.waker.wake();
            }
            self.remove(id);
            return true;
        }
        false
    }
}

/// Counts open connections; see the module doc.
pub struct ConnTracker {
    max_total: usize,
    max_per_ip: usize,
    start: Instant,
    table: Mutex<Table>,
    evictions: AtomicU64,
}

impl ConnTracker {
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<ConnTracker> {
        Arc::new(ConnTracker {
            max_total: max_total.max(1),
            max_per_ip: max_per_ip.max(1),
            start: Instant::now(),
            table: Mutex::new(Table::default()),
            evictions: AtomicU64::new(0),
        })
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Open connections now.
    pub fn open(&self) -> usize {
        self.table.lock().unwrap_or_else(|p| p.into_inner()).conns.len()
    }

    /// Connections closed so far to make room for newer ones.
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    fn register(self: &Arc<Self>, ip: IpAddr) -> (u64, Arc<Ctl>) {
        let ctl = Arc::new(Ctl { last_active: AtomicU64::new(self.now()), evicted: AtomicBool::new(false), waker: AtomicWaker::new() });
        let mut t = self.table.lock().unwrap_or_else(|p| p.into_inner());
        let mut evicted = 0;
        while t.per_ip.get(&ip).copied().unwrap_or(0) >= self.max_per_ip && t.evict_one(Some(ip)) {
            evicted += 1;
        }
        while t.conns.len() >= self.max_total && t.evict_one(None) {
            evicted += 1;
        }
        let id = t.next_id;
        t.next_id += 1;
        t.conns.insert(id, Entry { ip, ctl: ctl.clone() });
        *t.per_ip.entry(ip).or_insert(0) += 1;
        drop(t);
        if evicted > 0 {
            let total = self.evictions.fetch_add(evicted, Ordering::Relaxed) + evicted;
            if total.is_power_of_two() {
                tracing::warn!(client = %ip, evictions = total, "connection limit reached: closing the least recently active connections");
            }
        }
        (id, ctl)
    }
}

/// A TCP stream counted by a [`ConnTracker`]; it reads EOF and fails writes once evicted.
pub struct TrackedStream {
    inner: TcpStream,
    id: u64,
    ctl: Arc<Ctl>,
    tracker: Arc<ConnTracker>,
}

impl Drop for TrackedStream {
    fn drop(&mut self) {
        if !self.ctl.evicted.load(Ordering::SeqCst) {
            self.tracker.table.lock().unwrap_or_else(|p| p.into_inner()).remove(self.id);
        }
    }
}

impl TrackedStream {
    fn touch(&self) {
        self.ctl.last_active.store(self.tracker.now(), Ordering::Relaxed);
    }
}

impl AsyncRead for TrackedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.ctl.waker.register(cx.waker());
        if this.ctl.evicted.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.touch();
        }
        r
    }
}

impl AsyncWrite for TrackedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.ctl.evicted.load(Ordering::SeqCst) {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::ConnectionAborted, "connection closed to make room")));
        }
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// An acceptor that counts each accepted TCP connection in a [`ConnTracker`], then hands it to
/// `inner` (the plain or the TLS acceptor).
#[derive(Clone)]
pub struct LimitAcceptor<A> {
    inner: A,
    tracker: Arc<ConnTracker>,
}

impl<A> LimitAcceptor<A> {
    pub fn new(inner: A, tracker: Arc<ConnTracker>) -> LimitAcceptor<A> {
        LimitAcceptor { inner, tracker }
    }
}

impl<A, S> Accept<TcpStream, S> for LimitAcceptor<A>
where
    A: Accept<TrackedStream, S> + Clone + Send + 'static,
    A::Future: Send,
    S: Send + 'static,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let ip = match stream.peer_addr() {
            Ok(a) => a.ip(),
            Err(e) => return Box::pin(async move { Err(e) }),
        };
        let (id, ctl) = self.tracker.register(ip);
        let tracked = TrackedStream { inner: stream, id, ctl, tracker: self.tracker.clone() };
        let fut = self.inner.accept(tracked, service);
        Box::pin(fut)
    }
}

/// Bytes of the HTTP/2 connection preface; hyper's protocol sniffing reads up to this many.
const PREFACE_LEN: usize = 24;

/// The stream a connection's HTTP layer sees (after TLS when there is TLS): its first request
/// bytes must arrive within `first_bytes` (hyper's own header timeout starts only once it knows the
/// protocol, so a client that connects and says nothing would otherwise be kept forever), and an
/// HTTP/2 preface (`PRI * HTTP/2.0`) is refused: the server speaks HTTP/1.1 only, where the header
/// and body timeouts apply.
pub struct Http1Stream<S> {
    inner: S,
    seen: usize,
    head: [u8; 4],
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Http1Stream<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if this.seen < PREFACE_LEN {
                    let new = &buf.filled()[before..];
                    for &b in new.iter().take(PREFACE_LEN - this.seen) {
                        if this.seen < 4 {
                            this.head[this.seen] = b;
                        }
                        this.seen += 1;
                    }
                    if this.seen >= 4 && &this.head == b"PRI " {
                        return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, "HTTP/2 is not served")));
                    }
                    if this.seen >= PREFACE_LEN {
                        this.deadline = None;
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                if let Some(d) = this.deadline.as_mut() {
                    if d.as_mut().poll(cx).is_ready() {
                        // Nothing (or too little to be a request) in time: end of stream.
                        return Poll::Ready(Ok(()));
                    }
                }
                Poll::Pending
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Http1Stream<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Wraps the outermost acceptor (TLS or plain): every connection's stream becomes an
/// [`Http1Stream`].
#[derive(Clone)]
pub struct Http1Acceptor<A> {
    inner: A,
    first_bytes: std::time::Duration,
}

impl<A> Http1Acceptor<A> {
    pub fn new(inner: A, first_bytes: std::time::Duration) -> Http1Acceptor<A> {
        Http1Acceptor { inner, first_bytes }
    }
}

impl<A, I, S> Accept<I, S> for Http1Acceptor<A>
where
    A: Accept<I, S> + Clone + Send + 'static,
    A::Future: Send + 'static,
    A::Stream: AsyncRead + AsyncWrite + Unpin + Send,
    A::Service: Send,
{
    type Stream = Http1Stream<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let fut = self.inner.accept(stream, service);
        let first_bytes = self.first_bytes;
        Box::pin(async move {
            let (inner, service) = fut.await?;
            Ok((Http1Stream { inner, seen: 0, head: [0; 4], deadline: Some(Box::pin(tokio::time::sleep(first_bytes))) }, service))
        })
    }
}

/// Raises the soft limit on open files to the hard limit (so the connection limit, not the file
/// limit, decides), and returns the soft limit now in force (`None` when unknown).
pub fn raise_nofile_limit() -> Option<u64> {
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return None;
        }
        if lim.rlim_cur < lim.rlim_max {
            let want = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
        #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every platform
        Some(lim.rlim_cur as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_evict_the_least_recently_active() {
        let t = ConnTracker::new(3, 2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let (_, c1) = t.register(a);
        c1.last_active.store(5, Ordering::Relaxed);
        let (_, c2) = t.register(a);
        c2.last_active.store(9, Ordering::Relaxed);
        // A third from `a` closes a's least recently active one.
        let (_, c3) = t.register(a);
        assert!(c1.evicted.load(Ordering::SeqCst));
        assert!(!c2.evicted.load(Ordering::SeqCst));
        assert_eq!(t.open(), 2);
        // One from `b` fits (3 in all); a fourth in all closes the oldest of everyone.
        c3.last_active.store(20, Ordering::Relaxed);
        let (_, d1) = t.register(b);
        d1.last_active.store(30, Ordering::Relaxed);
        assert_eq!(t.open(), 3);
        let _ = t.register(b);
        assert!(c2.evicted.load(Ordering::SeqCst));
        assert_eq!(t.open(), 3);
        assert_eq!(t.evictions(), 2);
    }
}
