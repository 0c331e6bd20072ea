//! The lists of operations through the pages: the returns page (its rows,
//! filters, empty state, and the links to it from the deliveries and an
//! order's page), and the export menu of the purchase orders, deliveries,
//! payments, returns, inventories and audit log, whose links download the
//! rows the list selects — offered and served only to a role with the
//! list's permission and `data.export`.

use crate::exports::operations;
use crate::helpers::spawn_app;
use crate::pages::{Browser, Page, user};
use crate::sales_ops_pages::confirmed_order;
use reqwest::StatusCode;
use reqwest::header::CONTENT_DISPOSITION;

/// The href of the page's first link starting with `start`, as the
/// browser follows it.
pub(crate) fn link(page: &Page, start: &str) -> String {
    let html = page.html.replace("&#x2f;", "/").replace("&amp;", "&");
    let marker = format!("href=\"{start}");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {start} in:\n{}", page.html))
        + "href=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_returns_page_lists_what_came_back_from_each_order() {
    let app = spawn_app().await;
    let mut admin = Browser::new(&app, "fr-FR");
    admin.signed_in("admin@test.example").await;
    let empty = admin.get("/returns").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.has("Aucun retour pour l'instant."), "{}", empty.html);

    let ops = operations(&app).await;
    let deliveries = admin.get("/deliveries").await;
    assert_eq!(link(&deliveries, "/returns"), "/returns");
    let list = admin.get("/returns").await;
    assert!(list.has("<h1>Retours</h1>"), "{}", list.html);
    for sale in [&ops.port, &ops.gare] {
        assert!(
            list.has(&format!(
                "href=\"/orders/{}\">{}</a>",
                sale.order, sale.number
            )),
            "{}",
            list.html
        );
        assert!(list.has(&format!("href=\"/clients/{}\"", sale.client)));
    }
    assert!(list.has("Brasserie du Port") && list.has("Café de la Gare"));
    assert!(list.has("<td>Défaut</td>") && list.has("<td>Erreur d'article</td>"));
    assert!(
        list.has("<td>Oui</td>") && list.has("<td>Non</td>"),
        "restocked or not"
    );

    let order = admin.get(&format!("/orders/{}", ops.port.order)).await;
    let returns = link(&order, "/returns?order=");
    assert_eq!(returns, format!("/returns?order={}", ops.port.order));
    let one = admin.get(&returns).await;
    assert!(one.has(&ops.port.number) && !one.has(&ops.gare.number));
    let searched = admin.get("/returns?q=gare").await;
    assert!(searched.has(&ops.gare.number) && !searched.has(&ops.port.number));
    let none = admin.get("/returns?from=2001-01-01&to=2001-01-31").await;
    assert!(
        none.has("Aucun résultat pour ces critères."),
        "{}",
        none.html
    );
    let hand_edited = admin.get("/returns?from=hier&order=x").await;
    assert_eq!(
        hand_edited.status,
        StatusCode::OK,
        "a bad filter is ignored"
    );
    assert!(hand_edited.has(&ops.gare.number));
}

#[tokio::test]
async fn the_lists_of_operations_offer_an_export_of_the_rows_they_select() {
    let app = spawn_app().await;
    let ops = operations(&app).await;
    let mut admin = Browser::new(&app, "fr-FR");
    admin.signed_in("admin@test.example").await;

    let cases = [
        (
            format!("/purchase-orders?status=sent&supplier_id={}", ops.supplier),
            "/purchase-orders/export",
            "purchase-orders",
            ops.sent.clone(),
            ops.draft.clone(),
        ),
        (
            format!("/deliveries?q={}", ops.port.delivery),
            "/deliveries/export",
            "deliveries",
            ops.port.delivery.clone(),
            ops.gare.delivery.clone(),
        ),
        (
            "/payments?method=transfer".to_owned(),
            "/payments/export",
            "payments",
            "VIR-2".to_owned(),
            "CB-1".to_owned(),
        ),
        (
            format!("/returns?order={}", ops.gare.order),
            "/returns/export",
            "returns",
            ops.gare.number.clone(),
            ops.port.number.clone(),
        ),
        (
            format!("/inventories?warehouse={}&status=open", ops.paris),
            "/inventories/export",
            "inventories",
            ops.inventory.clone(),
            "LYS".to_owned(),
        ),
        (
            "/settings/audit?entity=supplier&action=create".to_owned(),
            "/settings/audit/export",
            "audit",
            "Bois et Fils".to_owned(),
            "Brasserie du Port".to_owned(),
        ),
    ];
    for (list, export, stem, kept, filtered_out) in cases {
        let page = admin.get(&list).await;
        assert_eq!(page.status, StatusCode::OK, "{list}: {}", page.html);
        for format in ["csv", "excel", "xlsx"] {
            link(&page, &format!("{export}?format={format}&"));
        }
        let csv = admin
            .get(&link(&page, &format!("{export}?format=csv&")))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{list}: {}", csv.html);
        assert_eq!(
            csv.headers[CONTENT_DISPOSITION],
            format!("attachment; filename=\"{stem}.csv\"")
        );
        assert!(csv.html.contains(&kept), "{list}: {}", csv.html);
        assert!(!csv.html.contains(&filtered_out), "{list}: {}", csv.html);
        let excel = admin
            .get(&link(&page, &format!("{export}?format=excel&")))
            .await;
        assert!(
            excel.html.starts_with('\u{feff}'),
            "{list}: a BOM for Excel"
        );
        assert!(excel.html.contains(&kept));
    }
}

#[tokio::test]
async fn the_stock_levels_export_keeps_the_product_search() {
    let app = spawn_app().await;
    confirmed_order(&app).await;
    let mut admin = Browser::new(&app, "fr-FR");
    admin.signed_in("admin@test.example").await;
    let page = admin.get("/stock?q=tabl").await;
    let export = link(&page, "/stock/export?format=csv&");
    assert!(export.contains("q=tabl"), "{export}");
    let csv = admin.get(&export).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.html.contains(",TABLE,"), "{}", csv.html);
    assert!(!csv.html.contains("CHAISE"), "{}", csv.html);
}

#[tokio::test]
async fn only_who_reads_the_list_and_may_export_is_offered_its_export() {
    let app = spawn_app().await;
    operations(&app).await;
    user(&app, "vente@test.example", "sales").await;
    user(&app, "compta@test.example", "accountant").await;

    let mut sales = Browser::new(&app, "fr-FR");
    sales.signed_in("vente@test.example").await;
    let returns = sales.get("/returns").await;
    assert_eq!(returns.status, StatusCode::OK, "sales read the returns");
    assert!(!returns.has("/returns/export"), "no export offered");
    for path in ["/returns/export?format=csv", "/deliveries/export"] {
        assert_eq!(
            sales.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }

    let mut accountant = Browser::new(&app, "fr-FR");
    accountant.signed_in("compta@test.example").await;
    let payments = accountant.get("/payments").await;
    assert!(payments.has("/payments/export?format=csv"));
    let csv = accountant.get("/payments/export?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.html.contains("CB-1") && csv.html.contains("VIR-2"));
    // The accountant exports, but does not read the audit log.
    assert_eq!(
        accountant.get("/settings/audit/export").await.status,
        StatusCode::FORBIDDEN
    );
}
