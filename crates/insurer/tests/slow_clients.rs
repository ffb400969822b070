//! Slow and greedy clients: a connection that sends half its headers, or
//! nothing, is dropped after the header-read timeout; connections past the
//! cap are closed at once; members are served all along.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Waits for the server to close `stream`; how long it took.
async fn closed_after(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
        }
    }
}

fn addr(s: &TestServer) -> String {
    s.base.trim_start_matches("http://").to_owned()
}

async fn half_sent_headers_are_dropped(backend: Backend) {
    let s = TestServer::start_with(backend, true, |options| {
        options.limits.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
        stream
            .write_all(b"GET /api/v1/insurer HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    let mut silent = TcpStream::connect(addr(&s)).await.unwrap();
    // A client that asked once and then holds its keep-alive connection.
    let mut idle = TcpStream::connect(addr(&s)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 64];
    assert!(idle.read(&mut answer).await.unwrap() > 0);
    // Members are served meanwhile.
    let (status, _) = s.get("/insurer").await;
    assert_eq!(status, 200);
    for stream in &mut slow {
        let took = closed_after(stream, Duration::from_secs(10))
            .await
            .expect("a half-sent request is dropped");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    assert!(
        closed_after(&mut silent, Duration::from_secs(10))
            .await
            .is_some(),
        "a connection that sends nothing is dropped too"
    );
    assert!(
        closed_after(&mut idle, Duration::from_secs(10))
            .await
            .is_some(),
        "an idle keep-alive connection is dropped too"
    );
    s.finish().await;
}

async fn connections_past_the_cap_are_closed(backend: Backend) {
    let s = TestServer::start_with(backend, true, |options| {
        options.limits.max_connections = 4;
        options.limits.header_read_timeout = Duration::from_secs(30);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = TcpStream::connect(addr(&s)).await.unwrap();
    assert!(
        closed_after(&mut extra, Duration::from_secs(5))
            .await
            .is_some(),
        "the fifth connection is closed at once"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = s.get("/insurer").await;
    assert_eq!(status, 200, "served again once the others left");
    s.finish().await;
}

stories!(
    half_sent_headers_are_dropped,
    connections_past_the_cap_are_closed
);
