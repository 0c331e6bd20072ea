#!/usr/bin/env python3
"""Make one sale through the Python client generated from the live OpenAPI
document, and nothing else: log in, give the organization its legal identity
(an e-invoice needs the seller's VAT number), create a product (goods) and a client,
a warehouse, receive stock, quote -> send -> accept -> convert -> confirm ->
deliver -> invoice -> issue -> pay the whole balance; the invoice must end
`paid` with balance_due "0.00".

Every call goes through the generated package (`<package>.api.*`, its
models and its httpx client). When a generated response model cannot parse
what the server sent, that is recorded as a problem and the step is retried
with the same generated module's request builder (`_get_kwargs`) on the
generated client's own httpx client, reading the raw JSON, so one broken
model does not hide the problems further down the sale.

Writes a JSON result (--out) with the steps, the problems and the notes;
exit 0 only when the sale completed and no problem was seen.
"""

import argparse
import importlib
import inspect
import json
import pkgutil
import sys
import traceback
import uuid

PROBLEMS = []  # things a user of the generated client would trip on
NOTES = []  # undeclared response fields: documentation gaps, not failures
STEPS = []
IDS = {}  # what the sale created, handed to schemathesis as realistic path parameters


class StepFailed(Exception):
    pass


class RequestNotSent(StepFailed):
    pass


class Walk:
    def __init__(self, package, base_url):
        self.package = package
        self.base_url = base_url
        self.client = None

    def capture(self, response):
        response.read()
        self.last_response = response

    def make_client(self, token=None):
        """The generated Client / AuthenticatedClient, with an httpx event hook that keeps the
        last response: when a generated model cannot parse it, the raw body is still at hand
        without sending the request twice."""
        client_mod = self.mod("client")
        httpx_args = {"event_hooks": {"response": [self.capture]}}
        if token is None:
            return client_mod.Client(base_url=self.base_url, raise_on_unexpected_status=False,
                                     httpx_args=httpx_args)
        return client_mod.AuthenticatedClient(base_url=self.base_url, token=token,
                                              raise_on_unexpected_status=False, httpx_args=httpx_args)

    def mod(self, name):
        return importlib.import_module(f"{self.package}.{name}")

    def model(self, name):
        return getattr(self.mod("models"), name)

    def call(self, step, operation, module, expect, **kwargs):
        """Call `<package>.api.<module>.sync_detailed(**kwargs)`; return (parsed, json)."""
        try:
            mod = self.mod(f"api.{module}")
        except Exception as e:  # the generator left the operation out or it does not import
            PROBLEMS.append(dict(step=step, operation=operation, kind="operation missing from the generated client",
                                 detail=f"{type(e).__name__}: {e}"))
            raise StepFailed(f"{operation}: no generated module api.{module}")
        parsed = None
        self.last_response = None
        try:
            resp = mod.sync_detailed(client=self.client, **kwargs)
            status, raw, parsed = int(resp.status_code), resp.content, resp.parsed
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)
            where = next((f"{f.filename.split(self.package + '/')[-1]}:{f.lineno}" for f in reversed(tb)
                          if self.package in f.filename), "?")
            PROBLEMS.append(dict(step=step, operation=operation,
                                 kind="generated model cannot parse the server's response",
                                 detail=f"{type(e).__name__}: {e} (at {where})"))
            r = self.last_response  # captured by the generated client's httpx event hook
            if r is None:  # it failed before sending anything
                PROBLEMS[-1]["kind"] = "generated client cannot send the request"
                raise RequestNotSent(f"{operation}: {type(e).__name__}: {e}")
            status, raw = r.status_code, r.content
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        STEPS.append(dict(step=step, operation=operation, status=status, parsed_by_client=parsed is not None))
        if status != expect:
            raise StepFailed(f"{operation}: expected {expect}, got {status}: {json.dumps(body)[:800]}")
        extra = getattr(parsed, "additional_properties", None)
        if extra:
            NOTES.append(dict(step=step, operation=operation,
                              detail=f"{type(parsed).__name__} received undeclared fields: {sorted(extra)}"))
        return parsed, body


def field(parsed, body, name, operation=""):
    """A field from the generated model when it parsed, else from the raw JSON. A field the
    server sent but the generated model does not declare is a problem of its own."""
    if parsed is not None and hasattr(parsed, name):
        value = getattr(parsed, name)
        if type(value).__name__ == "Unset":
            value = None
        return None if value is None else str(value) if not isinstance(value, (list, dict)) else value
    if parsed is not None and isinstance(body, dict) and name in body:
        PROBLEMS.append(dict(step=STEPS[-1]["step"] if STEPS else "?", operation=operation,
                             kind="generated model lacks a field the server sends",
                             detail=f"{type(parsed).__name__} has no attribute {name!r} "
                                    f"(left in additional_properties)"))
    return body.get(name) if isinstance(body, dict) else None


def U(value):
    return uuid.UUID(str(value))


def import_everything(package):
    pkg = importlib.import_module(package)
    count = 0
    for info in pkgutil.walk_packages(pkg.__path__, package + "."):
        try:
            importlib.import_module(info.name)
            count += 1
        except Exception as e:
            PROBLEMS.append(dict(step="import", operation=info.name, kind="generated module does not import",
                                 detail=f"{type(e).__name__}: {e}"))
    return count


def sale(w, email, password):
    w.client = w.make_client()
    parsed, body = w.call("login", "POST /auth/login", "auth.login", 200,
                          body=w.model("LoginRequest")(email=email, password=password))
    token = field(parsed, body, "access_token")
    w.client = w.make_client(token)

    w.call("organization identity", "PUT /settings/organization", "settings.put_settings", 200,
           body=w.model("OrganizationRequest")(name="Contract walk SARL", time_zone="Europe/Paris",
                                               legal_name="Contract walk SARL", siren="732829320",
                                               vat_number="FR44732829320", address_line1="12 rue des Halles",
                                               postal_code="69002", city="Lyon", country="FR"))

    tag = uuid.uuid4().hex[:6].upper()
    parsed, body = w.call("product", "POST /products", "catalog.create_product", 201,
                          body=w.model("ProductRequest")(code=f"WALK-{tag}", name="Contract walk widget",
                                                         kind="goods", sale_price="12.50", vat_rate="20.00"))
    product_id = field(parsed, body, "id")
    IDS["product"] = product_id

    parsed, body = w.call("client", "POST /clients", "clients.create_client", 201,
                          body=w.model("ClientRequest")(name=f"Walk client {tag}", kind="company",
                                                        email="walk@example.com"))
    client_id = field(parsed, body, "id")
    IDS["client"] = client_id

    parsed, body = w.call("warehouse", "POST /warehouses", "stock.create_warehouse", 201,
                          body=w.model("WarehouseRequest")(code=f"W{tag}", name=f"Walk warehouse {tag}"))
    warehouse_id = field(parsed, body, "id")
    IDS["warehouse"] = warehouse_id
    location_id = field(parsed, body, "default_location_id")
    IDS["location"] = location_id

    # The generator spells the `type` property `type_` (a Python builtin).
    w.call("receive stock", "POST /stock/movements", "stock.create_movement", 201,
           body=w.model("MovementRequest")(type_="receipt", product_id=U(product_id), quantity="10",
                                           to_location_id=U(location_id), reason="contract walk"))

    line = w.model("LineRequest")(product_id=U(product_id), quantity="3")
    parsed, body = w.call("quote", "POST /quotes", "sales.create_quote", 201,
                          body=w.model("DocumentRequest")(client_id=U(client_id), warehouse_id=U(warehouse_id),
                                                          lines=[line]))
    quote_id = field(parsed, body, "id")
    IDS["quote"] = quote_id
    w.call("send quote", "POST /quotes/{id}/send", "sales.send_quote", 200, id=U(quote_id))
    w.call("accept quote", "POST /quotes/{id}/accept", "sales.accept_quote", 200, id=U(quote_id))
    parsed, body = w.call("convert quote", "POST /quotes/{id}/convert", "sales.convert_quote", 201, id=U(quote_id))
    order_id = field(parsed, body, "id")
    IDS["order"] = order_id

    # The body ({"override_credit": …}) is optional for the server. When the document makes it
    # optional too, first send what the generated function's default sends (a generator has
    # sent JSON of its UNSET sentinel here), then an empty ConfirmRequest; when the document
    # requires it, an empty ConfirmRequest is the ordinary call.
    confirm = "POST /orders/{id}/confirm"
    body_param = inspect.signature(w.mod("api.sales.confirm_order").sync_detailed).parameters.get("body")
    try:
        if body_param is None or body_param.default is inspect.Parameter.empty:
            raise RequestNotSent("body required by the document")
        parsed, body = w.call("confirm order (no body)", confirm, "sales.confirm_order", 200, id=U(order_id))
    except RequestNotSent:
        extra = {} if body_param is None else {"body": w.model("ConfirmRequest")()}
        parsed, body = w.call("confirm order", confirm, "sales.confirm_order", 200, id=U(order_id), **extra)
    lines = body["lines"] if isinstance(body, dict) else []
    if not lines:
        raise StepFailed("confirmed order has no lines")
    delivery_lines = [w.model("DeliveryLineRequest")(line_id=U(l["id"]), quantity=l["quantity"]) for l in lines]
    w.call("deliver", "POST /orders/{id}/deliveries", "sales.deliver_order", 201,
           id=U(order_id), body=w.model("DeliveryRequest")(lines=delivery_lines))

    parsed, body = w.call("invoice order", "POST /orders/{id}/invoice", "sales.invoice_order", 201, id=U(order_id))
    invoice_id = field(parsed, body, "id")
    IDS["invoice"] = invoice_id
    parsed, body = w.call("issue invoice", "POST /invoices/{id}/issue", "invoicing.issue_invoice", 200, id=U(invoice_id))
    balance = field(parsed, body, "balance_due", "POST /invoices/{id}/issue")
    number = field(parsed, body, "number")
    if not balance or balance == "0.00":
        raise StepFailed(f"issued invoice {number} has balance_due {balance!r}")

    w.call("pay", "POST /invoices/{id}/payments", "invoicing.record_payment", 201,
           id=U(invoice_id), body=w.model("PaymentRequest")(amount=balance, method="transfer", reference=f"WALK-{tag}"))

    parsed, body = w.call("read invoice", "GET /invoices/{id}", "invoicing.get_invoice", 200, id=U(invoice_id))
    status, due = field(parsed, body, "status"), field(parsed, body, "balance_due", "GET /invoices/{id}")
    if status != "paid" or due != "0.00":
        raise StepFailed(f"invoice {number} ends status={status!r} balance_due={due!r}, expected paid / '0.00'")
    return dict(invoice=number, amount=balance, status=status, balance_due=due), IDS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client-dir", required=True, help="folder holding the generated package")
    ap.add_argument("--package", default="comptoir_client")
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    sys.path.insert(0, args.client_dir)
    result = dict(sale=None, error=None)
    try:
        result["modules_imported"] = import_everything(args.package)
        result["sale"], _ = sale(Walk(args.package, args.base_url), args.email, args.password)
    except StepFailed as e:
        result["error"] = str(e)
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {e}\n{traceback.format_exc()}"
    result.update(steps=STEPS, problems=PROBLEMS, notes=NOTES, ids=IDS)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)

    for s in STEPS:
        print(f"  {s['status']}  {s['operation']:<32} {'parsed' if s['parsed_by_client'] else 'NOT parsed'}  ({s['step']})")
    for p in PROBLEMS:
        print(f"PROBLEM [{p['kind']}] {p['operation']} ({p['step']}): {p['detail']}")
    for n in NOTES:
        print(f"note: {n['operation']}: {n['detail']}")
    if result["error"]:
        print(f"WALK FAILED: {result['error']}")
    else:
        print(f"WALK OK: {result['sale']}")
    return 0 if result["sale"] and not PROBLEMS else 1


if __name__ == "__main__":
    sys.exit(main())
