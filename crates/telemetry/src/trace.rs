//! W3C trace context (`traceparent`, `tracestate`) across gRPC and the bus.

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;

/// The header carrying the trace and parent span ids.
pub const TRACEPARENT: &str = "traceparent";

struct Pairs<'a>(Vec<(&'a str, &'a str)>);

impl Extractor for Pairs<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }
    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| *k).collect()
    }
}

#[derive(Default)]
struct Collected(Vec<(String, String)>);

impl Injector for Collected {
    fn set(&mut self, key: &str, value: String) {
        self.0.push((key.to_owned(), value));
    }
}

/// The remote trace context found in `headers` (name, value); an empty
/// context when there is none or it is malformed.
pub fn extract<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Context {
    TraceContextPropagator::new().extract(&Pairs(headers.into_iter().collect()))
}

/// The headers that carry `cx` to the next process.
pub fn inject(cx: &Context) -> Vec<(String, String)> {
    let mut collected = Collected::default();
    TraceContextPropagator::new().inject_context(cx, &mut collected);
    collected.0
}

/// Starts a span called `name` as a child of `parent` (or a new trace) and
/// returns the context holding it. The span ends when the context is dropped.
pub fn start_span(
    component: &'static str,
    name: &'static str,
    kind: SpanKind,
    parent: &Context,
    attributes: Vec<KeyValue>,
) -> Context {
    let tracer = opentelemetry::global::tracer(component);
    let span = tracer
        .span_builder(name)
        .with_kind(kind)
        .with_attributes(attributes)
        .start_with_context(&tracer, parent);
    parent.with_span(span)
}

/// The `traceparent` value carrying `cx`, or an empty string when it has no
/// valid span (to store with data that continues the trace later).
pub fn traceparent(cx: &Context) -> String {
    inject(cx)
        .into_iter()
        .find(|(k, _)| k == TRACEPARENT)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The trace id of `cx` as 32 hex digits, or an empty string when it has none.
pub fn trace_id(cx: &Context) -> String {
    let span_context = cx.span().span_context().clone();
    if span_context.is_valid() {
        span_context.trace_id().to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_trace_crosses_a_hop() {
        let cx = extract([(TRACEPARENT, PARENT)]);
        assert_eq!(trace_id(&cx), "4bf92f3577b34da6a3ce929d0e0e4736");
        let child = start_span("test", "hop", SpanKind::Producer, &cx, vec![]);
        let headers = inject(&child);
        let (_, value) = headers
            .iter()
            .find(|(k, _)| k == TRACEPARENT)
            .expect("traceparent injected");
        assert!(
            value.contains("4bf92f3577b34da6a3ce929d0e0e4736"),
            "{value}"
        );
        let next = extract(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(trace_id(&next), trace_id(&cx));
    }

    #[test]
    fn malformed_context_is_ignored() {
        assert_eq!(trace_id(&extract([(TRACEPARENT, "not-a-trace")])), "");
    }
}
