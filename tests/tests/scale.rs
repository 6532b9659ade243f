//! Operator scale: 5,000 SIPp registrations with the lab's normal Kamailio memory
//! settings; both sources list every one of them, page by page.
use std::collections::BTreeSet;
use std::time::Instant;

use kamscope_acceptance::*;

const N: usize = 5000;

#[tokio::test(flavor = "multi_thread")]
async fn five_thousand_registrations_page_by_page() {
    let k = Kamailio::start(Backend::Sqlite, false).await.unwrap();
    let t = Instant::now();
    k.register(N, "s", 5999, None).await.unwrap();
    eprintln!("registered {N} users with SIPp in {:?}", t.elapsed());
    assert_eq!(k.aors_in_memory().await.unwrap().len(), N);
    let app = spawn_app(settings_for(&k)).await.unwrap();
    let want: BTreeSet<String> = (1..=N).map(|i| format!("s{i:04}")).collect();
    for source in ["db", "memory"] {
        let t = Instant::now();
        let (items, pages) = app.all_pages(&format!("/api/v1/registrations?source={source}&limit=1000")).await;
        eprintln!("source={source}: {} items in {pages} pages, {:?}", items.len(), t.elapsed());
        assert_eq!(items.len(), N, "{source}");
        assert_eq!(pages, N / 1000, "{source}");
        let names: BTreeSet<String> = items.iter().map(|r| r["username"].as_str().unwrap().to_string()).collect();
        assert_eq!(names, want, "{source}");
    }
}
