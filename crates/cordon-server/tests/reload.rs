use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reload_swaps_under_concurrent_requests_and_none_fails() {
    let f = Arc::new(fixture());
    let failures = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (f, failures, done) = (f.clone(), failures.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..40 {
                let name = if (w + i) % 2 == 0 {
                    "박수민"
                } else {
                    "Example Frontier Trading"
                };
                let r = f.post("/match/default", &f.screen, &one_query(name)).await;
                if r.status != 200 {
                    failures.fetch_add(1, Ordering::SeqCst);
                }
                done.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    let extra = "test-list,P-9,Person,KIM Reload Test,,,,,,,,,,,,,TEST,2026-01-01,,";
    for round in 0..3 {
        let rows: Vec<&str> = if round % 2 == 0 {
            vec![PAK, RI, FRONT, extra]
        } else {
            vec![PAK, RI, FRONT]
        };
        f.write_list(&rows);
        let r = f.state.reload().await;
        assert!(r.error.is_none(), "{r:?}");
        assert!(r.swapped);
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(done.load(Ordering::SeqCst), 320);
    assert_eq!(failures.load(Ordering::SeqCst), 0);
    assert_eq!(f.state.snapshot().lists["test-list"].version, 4);
    // Every answered request is in the audit trail.
    let v = cordon_server::read_verified(&f.service().audit(), |_, _| Ok(())).unwrap();
    assert_eq!(v.records, 320);
}

#[tokio::test]
async fn a_failed_update_keeps_the_last_good_version_and_shows_the_error() {
    let f = fixture();
    // A download cut off inside a quoted field: the source cannot be read.
    std::fs::write(
        f.lists().join("test-list.csv"),
        format!("{HEADER}{PAK}\ntest-list,P-2,Person,\"RI Chol"),
    )
    .unwrap();
    let r = f.post_empty("/admin/reload", &f.admin).await;
    let v = r.json();
    assert_eq!(v["swapped"], false, "{v}");
    let r = f.get("/catalog", &f.screen).await;
    let c = r.json();
    assert_eq!(c["datasets"][0]["version"], 1);
    assert!(
        c["datasets"][0]["last_error"]["message"].is_string(),
        "{c} {v}"
    );
    let r = f
        .post("/match/default", &f.screen, &one_query("박수민"))
        .await;
    assert_eq!(
        r.json()["responses"]["q1"]["results"][0]["id"],
        "test-list-P-1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_loris_client_is_cut_off_and_others_are_served() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fixture_with(|c| c.header_timeout(Duration::from_millis(300)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(cordon_server::serve(f.state.clone(), listener, None));
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /match/default HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Another client is answered meanwhile.
    let mut ok = tokio::net::TcpStream::connect(addr).await.unwrap();
    ok.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    ok.read_to_end(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    // The slow one never finishes its headers: the server closes the connection.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the slow client was not cut off");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_flight_and_accepts_no_new_ones() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = fixture();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cordon_server::serve_until(
        f.state.clone(),
        listener,
        None,
        async {
            let _ = stopped.await;
        },
    ));
    // A request whose body is still on its way when the shutdown starts.
    let body = one_query("박수민").to_string();
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /match/default HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        f.screen,
        body.len()
    );
    client.write_all(head.as_bytes()).await.unwrap();
    client.write_all(&body.as_bytes()[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // New connections are refused once the listener is closed.
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "a new connection was accepted during shutdown"
    );
    client.write_all(&body.as_bytes()[5..]).await.unwrap();
    let mut answer = Vec::new();
    client.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("test-list-P-1"), "{answer}");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once the request is answered")
        .unwrap()
        .unwrap();
    // The answered request is in the audit trail.
    let v = cordon_server::read_verified(&f.service().audit(), |_, _| Ok(())).unwrap();
    assert_eq!(v.records, 1);
}
