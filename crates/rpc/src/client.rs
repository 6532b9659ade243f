use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::{FutureExt, Map};
use jsonrpsee_core::client::{ClientT, Error as ClientError};
use jsonrpsee_core::params::ArrayParams;
use jsonrpsee_http_client::{HttpBackend, HttpClient, HttpClientBuilder, RpcLogger, RpcService};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What went wrong talking to Kamailio. The server maps these to problem details.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RpcError {
    /// Kamailio could not be reached (refused, reset, timed out): the caller gets 503.
    #[error("Kamailio's JSON-RPC at {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    /// Kamailio answered with its own error, e.g. 404 "Dialog not found" or
    /// 500 "AOR not found in location table".
    #[error("Kamailio answered {method} with error {code}: {message}")]
    Kamailio { method: String, code: i32, message: String },
    /// The answer did not have the shape this Kamailio version documents.
    #[error("unexpected answer from Kamailio to {method}: {reason}")]
    Protocol { method: String, reason: String },
}

impl RpcError {
    pub fn protocol(method: &str, reason: impl Into<String>) -> Self {
        RpcError::Protocol { method: method.to_string(), reason: reason.into() }
    }
}

#[derive(Debug, Clone)]
pub struct RpcConfig {
    pub url: String,
    pub timeout: Duration,
}

type Transport = HttpClient<RpcLogger<RpcService<KamailioStatus<HttpBackend>>>>;

/// A Kamailio node's JSON-RPC endpoint (jsonrpcs over xhttp).
#[derive(Clone)]
pub struct KamailioRpc {
    client: Transport,
    url: String,
}

impl KamailioRpc {
    pub fn new(config: &RpcConfig) -> Result<Self, RpcError> {
        if cfg!(not(feature = "https")) && config.url.starts_with("https:") {
            return Err(RpcError::Unreachable {
                url: config.url.clone(),
                reason: "this kamscope was built without TLS for JSON-RPC: build it with `--features https`, or use Kamailio's xhttp over http:// on a private network".into(),
            });
        }
        let client = HttpClientBuilder::default()
            .request_timeout(config.timeout)
            // dlg.list and ul.dump brief grow with traffic: allow far more than the 10 MB default.
            .max_response_size(256 * 1024 * 1024)
            .set_http_middleware(tower::ServiceBuilder::new().layer(KamailioStatusLayer))
            .build(&config.url)
            .map_err(|e| RpcError::Unreachable { url: config.url.clone(), reason: e.to_string() })?;
        Ok(Self { client, url: config.url.clone() })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls `method` with positional string params (Kamailio ignores parameter names).
    pub async fn call<R: DeserializeOwned>(&self, method: &str, params: &[&str]) -> Result<R, RpcError> {
        self.call_values(method, params.iter().map(|p| Value::from(*p)).collect()).await
    }

    /// Calls `method` with positional JSON params. Integer params must be JSON numbers:
    /// `dlg.end_dlg "1165" "2026"` answers 404 "Dialog not found" on 5.6.3.
    pub async fn call_values<R: DeserializeOwned>(&self, method: &str, params: Vec<Value>) -> Result<R, RpcError> {
        let mut array = ArrayParams::new();
        for p in params {
            array.insert(p).map_err(|e| RpcError::protocol(method, e.to_string()))?;
        }
        let value: Value = self.client.request(method, array).await.map_err(|e| self.map_error(method, e))?;
        serde_json::from_value(value).map_err(|e| RpcError::protocol(method, e.to_string()))
    }

    fn map_error(&self, method: &str, err: ClientError) -> RpcError {
        match err {
            ClientError::Call(obj) => {
                RpcError::Kamailio { method: method.to_string(), code: obj.code(), message: obj.message().to_string() }
            }
            ClientError::RequestTimeout => {
                RpcError::Unreachable { url: self.url.clone(), reason: "no answer within the RPC timeout".into() }
            }
            ClientError::Transport(e) => RpcError::Unreachable { url: self.url.clone(), reason: transport_reason(&*e) },
            ClientError::ParseError(e) => RpcError::protocol(method, e.to_string()),
            other => RpcError::Unreachable { url: self.url.clone(), reason: other.to_string() },
        }
    }
}

/// The innermost cause reads best ("Connection refused (os error 111)").
fn transport_reason(err: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        msg = s.to_string();
        source = s.source();
    }
    if msg.contains("404") {
        format!("{msg} (is the RPC URL's path right? Kamailio's xhttp route serves /RPC)")
    } else {
        msg
    }
}

/// Kamailio's jsonrpcs mirrors its error code in the HTTP status line (e.g.
/// `HTTP/1.1 404 Dialog not found`) and jsonrpsee drops the body of any non-2xx reply.
/// A JSON reply is a JSON-RPC answer whatever its status, so pass it on as 200 and let
/// jsonrpsee read Kamailio's own error object.
#[derive(Clone, Copy)]
pub struct KamailioStatusLayer;

impl<S> tower::Layer<S> for KamailioStatusLayer {
    type Service = KamailioStatus<S>;
    fn layer(&self, inner: S) -> Self::Service {
        KamailioStatus(inner)
    }
}

#[derive(Clone, Debug)]
pub struct KamailioStatus<S>(S);

impl<S, Req, B> tower::Service<Req> for KamailioStatus<S>
where
    S: tower::Service<Req, Response = http::Response<B>>,
{
    type Response = http::Response<B>;
    type Error = S::Error;
    type Future = Map<S::Future, fn(Result<http::Response<B>, S::Error>) -> Result<http::Response<B>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Req) -> Self::Future {
        self.0.call(req).map(|r| r.map(json_error_as_ok))
    }
}

fn json_error_as_ok<B>(mut resp: http::Response<B>) -> http::Response<B> {
    let is_json = resp
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json && !resp.status().is_success() {
        *resp.status_mut() = http::StatusCode::OK;
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kamailio_json_errors_pass_as_200_and_others_keep_their_status() {
        let json = http::Response::builder().status(404).header("content-type", "application/json").body(()).unwrap();
        assert_eq!(json_error_as_ok(json).status(), 200);
        let html = http::Response::builder().status(404).header("content-type", "text/html").body(()).unwrap();
        assert_eq!(json_error_as_ok(html).status(), 404);
    }
}
