//! Writes the planned history (`history`) through the storage layer, step
//! by step in date order, as the sales workflows would have: the same
//! numbers (each series per year, from the step's own date), statuses,
//! reservations and movements, sales-chain links, audit entries and
//! business events. Only the instants (`created_at`, audit and event
//! times) are those of the run; business dates are the planned ones.

use super::created;
use super::documents::print;
use super::history::{Plan, QUOTE_VALIDITY, Sale, Step};
use crate::InitError;
use chrono::{Datelike, Days, NaiveDate};
use comptoir_db::audit::{self, Actor};
use comptoir_db::catalog::Product;
use comptoir_db::parties::Client;
use comptoir_db::sales::{self, DocumentInput, LineInput, NewDocument, SalesDocument};
use comptoir_db::stock::{self, Item, MovementNote, ReservationRequest};
use comptoir_db::{DbError, Tx, compliance, numbering};
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbering::Series;
use comptoir_domain::numbers::{Percent, Quantity};
use comptoir_domain::sales::{DocumentKind, DocumentStatus};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

mod money;

/// Where the history's goods are kept: the warehouse and its stock location.
#[derive(Clone, Copy)]
pub(super) struct Store {
    pub warehouse_id: Uuid,
    pub location_id: Uuid,
}

/// The documents one sale has so far.
#[derive(Default)]
struct Book {
    quote: Option<SalesDocument>,
    order: Option<SalesDocument>,
    invoice: Option<SalesDocument>,
}

struct Writer<'a> {
    actor: &'a Actor,
    products: &'a [Product],
    clients: &'a [Client],
    store: Store,
}

/// Writes every step of `plan`, oldest first.
pub(super) async fn write_history(
    tx: &mut Tx,
    actor: &Actor,
    products: &[Product],
    clients: &[Client],
    store: Store,
    plan: &Plan,
) -> Result<(), InitError> {
    let writer = Writer {
        actor,
        products,
        clients,
        store,
    };
    let mut books: Vec<Book> = plan.sales.iter().map(|_| Book::default()).collect();
    for (date, index, step) in &plan.steps {
        let (sale, book, date) = (&plan.sales[*index], &mut books[*index], *date);
        let missing = || InitError::Invalid(format!("demo history: {step:?} before its document"));
        match step {
            Step::Quote => book.quote = Some(writer.quote(tx, sale, date).await?),
            Step::Refuse => {
                let quote = book.quote.as_ref().ok_or_else(missing)?;
                let refused = writer
                    .transition(tx, quote, DocumentStatus::Refused, "quote_refused")
                    .await?;
                book.quote = Some(refused);
            }
            Step::Expire => {
                let quote = book.quote.as_ref().ok_or_else(missing)?;
                book.quote = Some(writer.expire(tx, quote).await?);
            }
            Step::Order => {
                if let Some(quote) = &book.quote {
                    let accepted = writer
                        .transition(tx, quote, DocumentStatus::Accepted, "quote_accepted")
                        .await?;
                    let converted = writer
                        .transition(tx, &accepted, DocumentStatus::Converted, "quote_converted")
                        .await?;
                    book.quote = Some(converted);
                }
                let source = book.quote.as_ref().map(|quote| quote.id);
                book.order = Some(writer.order(tx, sale, source, date).await?);
            }
            Step::Deliver => {
                let order = book.order.as_ref().ok_or_else(missing)?;
                book.order = Some(writer.deliver(tx, order, date).await?);
            }
            Step::Invoice => {
                let order = book.order.as_ref().ok_or_else(missing)?;
                let (invoiced, invoice) = writer.invoice(tx, order, date).await?;
                book.order = Some(invoiced);
                book.invoice = Some(invoice);
            }
            Step::Credit => {
                let invoice = book.invoice.as_ref().ok_or_else(missing)?;
                book.invoice = Some(writer.credit(tx, invoice, date).await?);
            }
            Step::Pay(share) => {
                let invoice = book.invoice.as_ref().ok_or_else(missing)?;
                book.invoice = Some(writer.pay(tx, invoice, *share, date).await?);
            }
        }
    }
    Ok(())
}

fn invalid(error: impl std::fmt::Display) -> InitError {
    InitError::Invalid(format!("demo history: {error}"))
}

fn as_json<T: Serialize>(row: &T) -> Option<Value> {
    serde_json::to_value(row).ok()
}

impl Writer<'_> {
    fn organization_id(&self) -> Uuid {
        self.actor.organization_id
    }

    fn user_id(&self) -> Uuid {
        self.actor.user_id.unwrap_or_default()
    }

    /// A business event about `document`, by the demo's admin.
    async fn event(
        &self,
        tx: &mut Tx,
        event_type: &str,
        document: &SalesDocument,
        data: Value,
    ) -> Result<(), DbError> {
        sales::record_event(
            tx,
            self.organization_id(),
            sales::NewEvent {
                event_type,
                subject_type: document.kind.as_str(),
                subject_id: document.id,
                client_id: Some(document.client_id),
                actor_id: self.actor.user_id,
                data: sales::event_data(document, data),
            },
        )
        .await
    }

    /// Moves a document with its audit entry and event, as `move_to` does.
    async fn transition(
        &self,
        tx: &mut Tx,
        document: &SalesDocument,
        to: DocumentStatus,
        event_type: &str,
    ) -> Result<SalesDocument, InitError> {
        sales::transition(tx, self.actor, document, to, event_type)
            .await?
            .ok_or_else(|| invalid(format!("{event_type}: the document moved")))
    }

    /// A draft of `kind`, audited, with its `<kind>_created` event.
    async fn draft(
        &self,
        tx: &mut Tx,
        kind: DocumentKind,
        number: Option<String>,
        source_id: Option<Uuid>,
        input: &DocumentInput,
    ) -> Result<SalesDocument, InitError> {
        let new = NewDocument {
            kind,
            number,
            status: DocumentStatus::Draft,
            source_id,
            created_by: self.user_id(),
        };
        let document = sales::insert_document(tx, self.organization_id(), new, input).await?;
        created(tx, self.actor, kind.as_str(), document.id, &document).await?;
        let event_type = format!("{}_created", kind.as_str());
        self.event(tx, &event_type, &document, Value::Null).await?;
        Ok(document)
    }

    fn input(&self, sale: &Sale, date: NaiveDate, warehouse_id: Option<Uuid>) -> DocumentInput {
        let lines = sale
            .lines
            .iter()
            .map(|(product, quantity)| {
                let product = &self.products[*product];
                LineInput {
                    item: Some(Item {
                        product_id: product.id,
                        variant_id: None,
                    }),
                    description: product.name.clone(),
                    amounts: LineAmounts {
                        quantity: Quantity::from_units(quantity * 10_000),
                        unit_price: product.sale_price.0,
                        discount_percent: Percent::ZERO,
                        vat_category: product.vat_category,
                        vat_rate: product.vat_rate.0,
                    },
                    vat_exemption_reason: product.vat_exemption_reason.clone(),
                    location_id: None,
                    source_line_id: None,
                }
            })
            .collect();
        DocumentInput {
            client_id: self.clients[sale.client].id,
            warehouse_id,
            currency: "EUR".into(),
            issue_date: Some(date),
            valid_until: None,
            notes: None,
            discount_percent: Percent::ZERO,
            lines,
        }
    }

    /// A quote numbered for its own year, drafted and sent.
    async fn quote(
        &self,
        tx: &mut Tx,
        sale: &Sale,
        date: NaiveDate,
    ) -> Result<SalesDocument, InitError> {
        let number =
            numbering::next_number(tx, self.organization_id(), Series::Quote, date.year()).await?;
        let mut input = self.input(sale, date, None);
        input.valid_until = Some(date + Days::new(QUOTE_VALIDITY));
        let draft = self
            .draft(tx, DocumentKind::Quote, Some(number), None, &input)
            .await?;
        self.transition(tx, &draft, DocumentStatus::Sent, "quote_sent")
            .await
    }

    /// What the quote job does to a quote past its validity: no actor.
    async fn expire(&self, tx: &mut Tx, quote: &SalesDocument) -> Result<SalesDocument, InitError> {
        let organization_id = self.organization_id();
        let (sent, expired) = (DocumentStatus::Sent, DocumentStatus::Expired);
        let moved = sales::set_status(tx, organization_id, quote.id, sent, expired)
            .await?
            .ok_or_else(|| invalid("quote_expired: the quote moved"))?;
        let job = Actor {
            organization_id,
            user_id: None,
            request_id: None,
            ip: None,
        };
        let after = as_json(&moved);
        audit::record(
            tx,
            &job,
            "quote_expired",
            "quote",
            Some(quote.id),
            None,
            after,
        )
        .await?;
        let event = sales::NewEvent {
            event_type: "quote_expired",
            subject_type: "quote",
            subject_id: moved.id,
            client_id: Some(moved.client_id),
            actor_id: None,
            data: sales::event_data(&moved, Value::Null),
        };
        sales::record_event(tx, organization_id, event).await?;
        Ok(moved)
    }

    /// An order drafted (from the converted quote `source_id`, if any) and
    /// confirmed: every goods line reserved at the warehouse.
    async fn order(
        &self,
        tx: &mut Tx,
        sale: &Sale,
        source_id: Option<Uuid>,
        date: NaiveDate,
    ) -> Result<SalesDocument, InitError> {
        let organization_id = self.organization_id();
        let number =
            numbering::next_number(tx, organization_id, Series::Order, date.year()).await?;
        let input = self.input(sale, date, Some(self.store.warehouse_id));
        let draft = self
            .draft(tx, DocumentKind::Order, Some(number), source_id, &input)
            .await?;
        let lines =
            sales::lines_to_confirm(tx, organization_id, draft.id, draft.warehouse_id).await?;
        let requests: Vec<ReservationRequest> = lines
            .iter()
            .filter(|line| line.goods)
            .filter_map(|line| {
                Some(ReservationRequest {
                    document_type: "order_line".into(),
                    document_line_id: line.line.id,
                    location_id: line.line.location_id.unwrap_or(self.store.location_id),
                    item: line.line.item()?,
                    quantity: line.line.quantity.0,
                })
            })
            .collect();
        stock::insert_reservations(tx, organization_id, &requests).await?;
        let confirmed = self
            .transition(tx, &draft, DocumentStatus::Confirmed, "order_confirmed")
            .await?;
        stock::hold(tx, organization_id, &requests)
            .await
            .map_err(invalid)?;
        Ok(confirmed)
    }

    /// A delivery note for everything the order has left to deliver: the
    /// reservations become issue movements.
    async fn deliver(
        &self,
        tx: &mut Tx,
        order: &SalesDocument,
        date: NaiveDate,
    ) -> Result<SalesDocument, InitError> {
        let organization_id = self.organization_id();
        let lines = sales::lines_in(tx, organization_id, order.id).await?;
        let reservations = sales::active_reservations(tx, organization_id, order.id).await?;
        let number =
            numbering::next_number(tx, organization_id, Series::DeliveryNote, date.year()).await?;
        let delivery =
            sales::insert_delivery(tx, organization_id, order.id, &number, date, self.user_id())
                .await?;
        let reference = order.number.clone().unwrap_or_default();
        let note = MovementNote {
            user_id: self.actor.user_id,
            reason: Some("delivery"),
            reference: Some(&reference),
            reservation_id: None,
            inventory_id: None,
        };
        for line in &lines {
            let quantity = line.progress().undelivered();
            if quantity <= Quantity::ZERO {
                continue;
            }
            if !sales::deliver_line(tx, organization_id, order.id, line.id, quantity).await? {
                return Err(invalid("a line was delivered twice"));
            }
            let reservation = reservations.iter().find(|r| r.document_line_id == line.id);
            let (location_id, movement_id) = match reservation {
                Some(reservation) => {
                    let (_, movement) =
                        stock::consume_part(tx, organization_id, reservation.id, quantity, &note)
                            .await
                            .map_err(invalid)?;
                    created(tx, self.actor, "stock_movement", movement.id, &movement).await?;
                    (movement.from_location_id, Some(movement.id))
                }
                None => (line.location_id, None),
            };
            let location_id = location_id.unwrap_or(self.store.location_id);
            sales::insert_delivery_line(
                tx,
                organization_id,
                delivery.id,
                line.id,
                quantity,
                location_id,
                movement_id,
            )
            .await?;
        }
        let (confirmed, delivered) = (DocumentStatus::Confirmed, DocumentStatus::Delivered);
        let moved = sales::set_status(tx, organization_id, order.id, confirmed, delivered)
            .await?
            .ok_or_else(|| invalid("delivery: the order moved"))?;
        let (before, after) = (as_json(order), as_json(&moved));
        audit::record(
            tx,
            self.actor,
            "deliver",
            "order",
            Some(order.id),
            before,
            after,
        )
        .await?;
        let data = json!({ "delivery_id": delivery.id, "delivery_number": delivery.number, "complete": true });
        self.event(tx, "delivery_done", &moved, data).await?;
        Ok(moved)
    }

    /// Invoices what the order delivered (the order becomes `invoiced`),
    /// then issues the invoice: numbered for its date's year, due after
    /// the client's payment terms, chained. Answers the order and the
    /// invoice.
    async fn invoice(
        &self,
        tx: &mut Tx,
        order: &SalesDocument,
        date: NaiveDate,
    ) -> Result<(SalesDocument, SalesDocument), InitError> {
        let organization_id = self.organization_id();
        let mut inputs = Vec::new();
        for line in sales::lines_in(tx, organization_id, order.id).await? {
            let quantity = line.progress().billable();
            if quantity <= Quantity::ZERO {
                continue;
            }
            if !sales::invoice_line(tx, organization_id, order.id, line.id, quantity).await? {
                return Err(invalid("a line was invoiced twice"));
            }
            let mut amounts = line.amounts();
            amounts.quantity = quantity;
            inputs.push(LineInput {
                item: line.item(),
                description: line.description.clone(),
                amounts,
                vat_exemption_reason: line.vat_exemption_reason.clone(),
                location_id: None,
                source_line_id: Some(line.id),
            });
        }
        let input = DocumentInput {
            client_id: order.client_id,
            warehouse_id: order.warehouse_id,
            currency: order.currency.clone(),
            issue_date: None,
            valid_until: None,
            notes: order.notes.clone(),
            discount_percent: order.discount_percent.0,
            lines: inputs,
        };
        let draft = self
            .draft(tx, DocumentKind::Invoice, None, Some(order.id), &input)
            .await?;
        let invoiced = self
            .transition(tx, order, DocumentStatus::Invoiced, "order_invoiced")
            .await?;
        let terms = self
            .clients
            .iter()
            .find(|client| client.id == order.client_id)
            .map_or(0, |client| client.payment_terms_days);
        let due = date + Days::new(u64::try_from(terms).unwrap_or(0));
        let issued = self.issue(tx, &draft, date, Some(due)).await?;
        Ok((invoiced, issued))
    }

    /// Numbers, dates, prints (its Factur-X PDF, as the issuing service
    /// does) and chains a draft invoice or credit note.
    async fn issue(
        &self,
        tx: &mut Tx,
        draft: &SalesDocument,
        date: NaiveDate,
        due: Option<NaiveDate>,
    ) -> Result<SalesDocument, InitError> {
        let organization_id = self.organization_id();
        let series = draft.kind.series();
        let number = numbering::next_number(tx, organization_id, series, date.year()).await?;
        let issued = sales::issue(tx, organization_id, draft.id, &number, date, due)
            .await?
            .ok_or(DbError::NotFound)?;
        let issued = print(tx, self.actor, &issued).await?;
        compliance::chain_document(tx, organization_id, &issued)
            .await
            .map_err(invalid)?;
        let kind = draft.kind.as_str();
        let (before, after) = (as_json(draft), as_json(&issued));
        audit::record(tx, self.actor, "issue", kind, Some(draft.id), before, after).await?;
        self.event(tx, &format!("{kind}_issued"), &issued, json!({}))
            .await?;
        Ok(issued)
    }
}
