//! kamscope's web UI: a Leptos 0.8 client-side-rendered single-page app.
mod api;
mod app;
mod i18n;
mod pages;
mod ui;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
