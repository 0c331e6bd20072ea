//! Accessibility in a real browser. axe-core (vendored under `axe/` as a
//! test fixture, never in the binary) checks every main screen of the
//! demo, for an administrator and for a narrower role, against the
//! WCAG 2 A/AA rules and axe's best practices (landmarks, headings); and
//! a reader with only a keyboard opens a menu group and reaches a page,
//! the focus visible at every step. Saves `menu.png` (a group opened)
//! and `menu-current.png` (the page reached, its group marked).

use crate::browser::{Browser, browser};
use crate::helpers::{fresh_database_url, open_test_database};
use comptoir::demo::{DEMO_PASSWORD, ensure_demo};
use comptoir::start;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;

const AXE: &str = include_str!("axe/axe.min.js");

/// Runs axe on the page as it is and returns its violations, one
/// readable paragraph each: the rule, its impact, what it asks, and
/// every element at fault with what is wrong with it.
async fn violations(browser: &Browser) -> Vec<String> {
    let loaded = browser
        .client
        .execute(&format!("{AXE}\n;return typeof axe;"), vec![])
        .await
        .expect("axe loaded");
    assert_eq!(loaded, "object");
    let found = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
            axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                resultTypes: ['violations'],
            }).then(r => done(r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, why: n.failureSummary })),
            })))).catch(e => done([{ id: 'axe failed', impact: '', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .expect("axe ran");
    found
        .as_array()
        .expect("a list of violations")
        .iter()
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| {
                    format!(
                        "    at {}  {}\n      {}",
                        n["target"].as_str().unwrap_or_default(),
                        n["html"].as_str().unwrap_or_default(),
                        n["why"]
                            .as_str()
                            .unwrap_or_default()
                            .replace('\n', "\n      ")
                    )
                })
                .collect();
            format!(
                "  {} ({}): {}\n{}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                nodes.join("\n")
            )
        })
        .collect()
}

/// Whether the page shown is an error page (refused, not found, failed).
async fn an_error(browser: &Browser) -> bool {
    browser
        .client
        .execute("return !!document.querySelector('.error-page')", vec![])
        .await
        .expect("read")
        .as_bool()
        .expect("a boolean")
}

/// Gathers what axe finds wrong with the page as it is, under `name`.
async fn check_here(browser: &Browser, name: &str, report: &mut Vec<String>) {
    let found = violations(browser).await;
    if !found.is_empty() {
        report.push(format!("{name}:\n{}", found.join("\n")));
    }
}

/// Opens each of `paths`, which must open, and gathers what axe finds
/// wrong, by page.
async fn check(browser: &Browser, base: &str, paths: &[String], report: &mut Vec<String>) {
    for path in paths {
        browser.open(base, path).await;
        assert!(!an_error(browser).await, "{path} shows an error page");
        check_here(browser, path, report).await;
    }
}

/// The first link in the page at `list` whose address is `prefix`
/// followed by an id.
async fn first_record(browser: &Browser, base: &str, list: &str, prefix: &str) -> String {
    browser.open(base, list).await;
    let href = browser
        .client
        .execute(
            "return [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))
                .find(h => h.startsWith(arguments[0]) && /^[0-9a-f-]{36}$/.test(h.slice(arguments[0].length)))",
            vec![Value::from(prefix)],
        )
        .await
        .expect("links read");
    href.as_str()
        .unwrap_or_else(|| panic!("no link to {prefix}… in {list}"))
        .to_owned()
}

/// The demo, served, with a browser: the screens are full of records.
async fn demo() -> Option<(String, Browser)> {
    let db = open_test_database(&fresh_database_url().await).await;
    ensure_demo(&db).await.unwrap();
    let address = start(db, Default::default(), "127.0.0.1:0").await.unwrap();
    let browser = browser().await?;
    Some((format!("http://{address}"), browser))
}

#[tokio::test]
async fn every_main_screen_passes_axe_for_an_administrator_and_for_the_warehouse() {
    let Some((base, browser)) = demo().await else {
        return;
    };
    let mut report = Vec::new();
    check(&browser, &base, &["/login".to_owned()], &mut report).await;

    browser
        .log_in(&base, "admin@demo.comptoir.test", DEMO_PASSWORD)
        .await;
    let mut paths: Vec<String> = [
        "/",
        "/clients",
        "/clients/new",
        "/quotes",
        "/quotes/new",
        "/orders",
        "/deliveries",
        "/invoices",
        "/credit-notes",
        "/payments",
        "/products",
        "/products/new",
        "/categories",
        "/stock",
        "/stock/movements",
        "/stock/movements/new",
        "/inventories",
        "/warehouses",
        "/suppliers",
        "/purchase-orders",
        "/purchase-orders/new",
        "/replenishment",
        "/reorder-rules",
        "/reorder-rules/new",
        "/warehouses/new",
        "/suppliers/new",
        "/supplier-invoices",
        "/supplier-invoices/new",
        "/imports",
        "/imports/new",
        "/settings",
        "/settings/users",
        "/settings/users/new",
        "/settings/roles",
        "/settings/numbering",
        "/settings/organization",
        "/settings/document-templates",
        "/settings/audit",
        "/settings/compliance",
    ]
    .map(str::to_owned)
    .to_vec();
    let client = first_record(&browser, &base, "/clients", "/clients/").await;
    paths.push(format!("{client}/edit"));
    paths.push(client);
    for (list, prefix) in [
        ("/products", "/products/"),
        ("/invoices", "/invoices/"),
        ("/orders", "/orders/"),
        ("/quotes", "/quotes/"),
        ("/suppliers", "/suppliers/"),
        ("/purchase-orders", "/purchase-orders/"),
        ("/warehouses", "/warehouses/"),
    ] {
        paths.push(first_record(&browser, &base, list, prefix).await);
    }
    check(&browser, &base, &paths, &mut report).await;

    // The count and review screens of an inventory opened for it, and a
    // menu group opened.
    browser.open(&base, "/inventories").await;
    browser.click("button[data-action='open']").await;
    let count = browser.arrives_at("/inventories/").await;
    assert!(count.ends_with("/count"), "{count}");
    check_here(&browser, "the count screen", &mut report).await;
    browser
        .open(&base, &count.replace("/count", "/review"))
        .await;
    check_here(&browser, "the inventory's review", &mut report).await;
    browser.open(&base, "/").await;
    browser
        .click("nav details:has(a[href='/quotes']) > summary")
        .await;
    check_here(&browser, "the sales menu opened", &mut report).await;

    browser
        .client
        .delete_all_cookies()
        .await
        .expect("logged out");
    browser
        .log_in(&base, "warehouse@demo.comptoir.test", DEMO_PASSWORD)
        .await;
    let narrower: Vec<String> = [
        "/",
        "/stock",
        "/stock/movements/new",
        "/inventories",
        "/orders",
        "/purchase-orders",
    ]
    .map(str::to_owned)
    .to_vec();
    check(&browser, &base, &narrower, &mut report).await;
    browser.open(&base, "/clients").await;
    assert!(an_error(&browser).await, "the clients are refused");
    check_here(&browser, "the refusal page", &mut report).await;
    browser.close().await;
    assert!(
        report.is_empty(),
        "axe finds {} pages at fault:\n\n{}",
        report.len(),
        report.join("\n\n")
    );
}

/// Presses `key` where the focus is, as a keyboard does.
async fn press(browser: &Browser, key: char) {
    let keyboard = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser
        .client
        .perform_actions(keyboard)
        .await
        .expect("pressed");
}

/// The focused element: its tag, text, and whether a focus style shows
/// (an outline or a shadow drawn).
async fn focused(browser: &Browser) -> (String, String, bool) {
    let found = browser
        .client
        .execute(
            "const e = document.activeElement, s = getComputedStyle(e);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            return [e.tagName.toLowerCase(), e.textContent.trim(), outline || s.boxShadow !== 'none'];",
            vec![],
        )
        .await
        .expect("focus read");
    (
        found[0].as_str().unwrap_or_default().to_owned(),
        found[1].as_str().unwrap_or_default().to_owned(),
        found[2].as_bool().unwrap_or_default(),
    )
}

/// Tabs until the focus is on a `tag` reading `text`, checking the focus
/// shows on everything passed on the way.
async fn tab_to(browser: &Browser, tag: &str, text: &str) {
    for _ in 0..30 {
        press(browser, Key::Tab.into()).await;
        let (at, reading, shown) = focused(browser).await;
        assert!(shown, "no focus style on the {at} “{reading}”");
        if at == tag && reading == text {
            return;
        }
    }
    panic!("Tab never reached the {tag} “{text}”");
}

async fn is_open(browser: &Browser, href: &str) -> bool {
    browser
        .client
        .execute(
            "return document.querySelector(`nav details:has(a[href='${arguments[0]}'])`).open",
            vec![Value::from(href)],
        )
        .await
        .expect("read")
        .as_bool()
        .expect("a boolean")
}

#[tokio::test]
async fn a_keyboard_alone_opens_a_menu_group_and_reaches_a_page_the_focus_always_visible() {
    let Some((base, browser)) = demo().await else {
        return;
    };
    browser
        .log_in(&base, "admin@demo.comptoir.test", DEMO_PASSWORD)
        .await;
    browser.open(&base, "/").await;

    // Space opens the sales group, Escape closes it, the focus stays on
    // its name.
    tab_to(&browser, "summary", "Ventes").await;
    press(&browser, ' ').await;
    assert!(is_open(&browser, "/quotes").await, "Space opens a group");
    press(&browser, Key::Escape.into()).await;
    assert!(!is_open(&browser, "/quotes").await, "Escape closes it");
    assert_eq!(focused(&browser).await.1, "Ventes");

    // Enter opens the stock group; Tab goes through its entries.
    tab_to(&browser, "summary", "Stock").await;
    press(&browser, Key::Enter.into()).await;
    assert!(
        is_open(&browser, "/stock/movements").await,
        "Enter opens a group"
    );
    tab_to(&browser, "a", "Niveaux de stock").await;
    tab_to(&browser, "a", "Mouvements").await;
    browser.screenshot("menu").await;
    press(&browser, Key::Enter.into()).await;
    browser.arrives_at("/stock/movements").await;
    assert_eq!(browser.text("h1").await, "Mouvements de stock");

    // The page says where the reader is: its entry, and its group.
    let current = browser
        .client
        .execute(
            "return [...document.querySelectorAll('nav [aria-current]')].map(e => e.textContent.trim() + '=' + e.getAttribute('aria-current'))",
            vec![],
        )
        .await
        .expect("read");
    assert_eq!(
        current,
        serde_json::json!(["Stock=true", "Mouvements=page"])
    );
    browser.screenshot("menu-current").await;
    browser.close().await;
}
