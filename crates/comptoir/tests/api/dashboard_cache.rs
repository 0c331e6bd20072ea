//! The dashboard page keeps its figures a while: a reader sees them at
//! once, the page says when they were computed, and once they are older
//! than the configured age the next view starts their recomputation,
//! which the views after it show.

use crate::dashboard::{client, invoice, service};
use crate::helpers::{PASSWORD, spawn_app_with};
use crate::pages::{Browser, Page};
use comptoir_api::Config;
use std::time::{Duration, Instant};

const ADMIN: &str = "admin@test.example";

/// The figure of `kpi` as the page shows it.
fn figure(page: &Page, kpi: &str) -> String {
    let marker = format!("data-kpi=\"{kpi}\">");
    let start = page
        .html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {kpi} figure in:\n{}", page.html))
        + marker.len();
    page.html[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_dashboard_shows_kept_figures_then_recomputes_them_once_too_old() {
    let max_age = Duration::from_secs(2);
    let app = spawn_app_with(Config {
        dashboard_max_age: max_age,
        ..Config::default()
    })
    .await;
    let buyer = client(&app, "Traiteur Dupont").await;
    invoice(&app, &buyer, service("100.00")).await;
    let mut browser = Browser::new(&app, "fr-FR");
    let reply = browser.log_in(ADMIN, PASSWORD).await;
    assert!(reply.status.is_redirection(), "{}", reply.html);

    let first = browser.get("/").await;
    let computed = Instant::now();
    assert_eq!(figure(&first, "revenue_this_month"), "100,00\u{a0}€");
    assert!(first.has("Chiffres calculés le"), "{}", first.html);

    invoice(&app, &buyer, service("50.00")).await;
    let kept = browser.get("/").await;
    if computed.elapsed() < max_age {
        assert_eq!(
            figure(&kept, "revenue_this_month"),
            "100,00\u{a0}€",
            "the figures computed a moment ago are kept"
        );
    }

    tokio::time::sleep(max_age.saturating_sub(computed.elapsed())).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page = browser.get("/").await;
        if figure(&page, "revenue_this_month") == "150,00\u{a0}€" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the figures were never recomputed: {}",
            figure(&page, "revenue_this_month")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
