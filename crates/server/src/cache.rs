//! Request coalescing with a short TTL: many viewers of the dashboard or health within
//! the TTL share one upstream round of RPC calls instead of multiplying Kamailio's load.
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt, Shared};

pub struct Coalesced<T: Clone> {
    ttl: Duration,
    slot: Mutex<Option<(Instant, Shared<BoxFuture<'static, T>>)>>,
}

impl<T: Clone + Send + Sync + 'static> Coalesced<T> {
    pub fn new(ttl: Duration) -> Self {
        Coalesced { ttl, slot: Mutex::new(None) }
    }

    /// The value of the round still running (however long it takes: a hung Kamailio
    /// must not get a new round every TTL) or finished less than `ttl` after it started,
    /// else of a new round made by `make`.
    pub async fn get<F, Fut>(&self, make: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        let round = {
            let mut slot = self.slot.lock().expect("coalescing lock");
            match &*slot {
                Some((started, round)) if round.peek().is_none() || started.elapsed() < self.ttl => round.clone(),
                _ => {
                    let round = make().boxed().shared();
                    *slot = Some((Instant::now(), round.clone()));
                    round
                }
            }
        };
        round.await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[actix_rt::test]
    async fn concurrent_callers_share_one_round_and_the_ttl_ends_it() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = Arc::new(Coalesced::new(Duration::from_millis(200)));
        let make = |calls: Arc<AtomicUsize>| {
            move || async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                calls.fetch_add(1, Ordering::SeqCst)
            }
        };
        let all = futures::future::join_all((0..20).map(|_| {
            let (c, calls) = (c.clone(), calls.clone());
            async move { c.get(make(calls)).await }
        }))
        .await;
        assert!(all.iter().all(|v| *v == 0));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(c.get(make(calls.clone())).await, 1);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[actix_rt::test]
    async fn a_round_longer_than_the_ttl_is_joined_not_repeated() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = Arc::new(Coalesced::new(Duration::from_millis(20)));
        let slow = |calls: Arc<AtomicUsize>| {
            move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        };
        let first = {
            let (c, calls) = (c.clone(), calls.clone());
            tokio::spawn(async move { c.get(slow(calls)).await })
        };
        tokio::time::sleep(Duration::from_millis(60)).await; // three TTLs into the round
        let later = {
            let (c, calls) = (c.clone(), calls.clone());
            tokio::spawn(async move { c.get(slow(calls)).await })
        };
        first.await.unwrap();
        later.await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
