//! The HTTP listener: hyper's HTTP/1.1 connections with the limits `axum::serve` does not set.
//!
//! - A **header-read timeout**: a client must send a request's headers within it, or the
//!   connection is closed (without one, a client trickling bytes holds a connection for ever).
//! - An **idle keep-alive bound**: the same timeout applies while a kept-alive connection waits
//!   for its next request's headers.
//! - A **connection limit**: past it, new connections wait in the kernel's backlog until one
//!   closes, instead of each costing a task and buffers.
//! - **Graceful shutdown**: on the signal, stop accepting, answer the connections already
//!   waiting in the backlog (one request each), let requests in flight finish, close idle
//!   connections.
//!
//! Each request carries the peer address as axum's `ConnectInfo`, as `axum::serve` would.

use std::{convert::Infallible, future::Future, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

/// On shutdown, how long a connection accepted before may take to send its request.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// Connection limits of the listener.
#[derive(Clone, Copy, Debug)]
pub struct ListenLimits {
    /// Time allowed for a request's headers to arrive (and for an idle connection's next).
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for ListenLimits {
    fn default() -> Self {
        ListenLimits {
            header_read_timeout: Duration::from_secs(30),
            max_connections: 4096,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ListenLimits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first: past the limit, connections wait in the backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        connection(tcp, peer, app.clone(), limits, Some(stop_rx.clone()), slot);
    }
    let _ = stop_tx.send(true);
    // Connections already in the kernel's backlog were opened before the signal and their
    // requests sent: closing the listener now would reset them. Answer each (one request, then
    // close) until none has waited for 50 ms, for at most 2 s.
    let drain_until = tokio::time::Instant::now() + Duration::from_secs(2);
    while tokio::time::Instant::now() < drain_until {
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            break;
        };
        match tokio::time::timeout(Duration::from_millis(50), listener.accept()).await {
            Ok(Ok((tcp, peer))) => connection(tcp, peer, app.clone(), limits, None, slot),
            _ => break,
        }
    }
    drop(listener);
    // Every connection holds a slot until it ends: all slots back means all done.
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
}

/// Serves one connection on a task of its own, holding `slot` until it ends. With `stop`, it
/// keeps alive until the stop signal, then finishes its request in flight; without (accepted
/// while shutting down), it answers one request and closes.
fn connection(
    tcp: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    app: Router,
    limits: ListenLimits,
    stop: Option<tokio::sync::watch::Receiver<bool>>,
    slot: tokio::sync::OwnedSemaphorePermit,
) {
    // TCP_NODELAY: without it a response's last segment waits for the client's delayed ACK,
    // which added 40 ms to one large page in four.
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, "could not set TCP_NODELAY");
    }
    tokio::spawn(async move {
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move {
                Ok::<_, Infallible>(
                    app.oneshot(req.map(axum::body::Body::new))
                        .await
                        .unwrap_or_else(|e| match e {}),
                )
            }
        });
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .keep_alive(stop.is_some());
        let conn = builder.serve_connection(TokioIo::new(tcp), service);
        let mut conn = std::pin::pin!(conn);
        let result = match stop {
            Some(mut stop) => {
                // Until the stop signal; then, since a connection accepted just before may not
                // have sent its request's headers yet (and hyper closes a connection without a
                // request at once), give such a request a moment to arrive, then finish what
                // is in flight and close.
                let stopping = async {
                    let _ = stop.changed().await;
                    tokio::time::sleep(SHUTDOWN_GRACE).await;
                };
                tokio::select! {
                    result = conn.as_mut() => Some(result),
                    () = stopping => None,
                }
            }
            None => Some(conn.as_mut().await),
        };
        let result = match result {
            Some(result) => result,
            None => {
                conn.as_mut().graceful_shutdown();
                conn.as_mut().await
            }
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, %peer, "connection ended with an error");
        }
        drop(slot);
    });
}
