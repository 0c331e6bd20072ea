//! Logging in and out, and the reader's language.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::i18n;
use crate::render::{self, Frame};
use crate::session::{
    ClientIp, LOGIN_COOKIE, SESSION_COOKIE, Viewer, cookie, local_path, session_cookie, set_cookie,
};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_domain::language::Language;
use comptoir_domain::time_zone::TimeZone;
use comptoir_services::{ServiceError, sessions};
use serde::Deserialize;

pub fn router() -> Router<WebContext> {
    Router::new().route("/login", get(login_form).post(log_in))
}

pub fn signed_in_router() -> Router<WebContext> {
    Router::new()
        .route("/logout", post(log_out))
        .route("/language", post(switch_language))
}

/// The login page's language: the one asked for in the URL or form, else
/// the browser's preference.
fn login_language(asked: Option<&str>, headers: &HeaderMap) -> Language {
    asked
        .and_then(|l| Language::parse(l).ok())
        .unwrap_or_else(|| {
            Language::from_accept_language(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default(),
            )
        })
}

fn new_login_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// The login page, with a fresh login CSRF value in a cookie and the form.
fn login_page(
    headers: &HeaderMap,
    status: StatusCode,
    language: Language,
    next: &str,
    email: &str,
    error: Option<String>,
) -> PageResult<Response> {
    let token = new_login_token();
    let frame = Frame {
        language,
        time_zone: TimeZone::DEFAULT,
        title: "login.title",
        path: "/login",
        csrf: None,
        reader: None,
    };
    let body = render::page(
        "login.html",
        frame,
        serde_json::json!({
            "login_csrf": token,
            "next": next,
            "email": email,
            "error": error,
        }),
    )
    .map_err(PageError::internal)?;
    let cookie = set_cookie(headers, LOGIN_COOKIE, &token, "/login", 3600);
    Ok((status, [(header::SET_COOKIE, cookie)], Html(body)).into_response())
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    lang: Option<String>,
}

async fn login_form(headers: HeaderMap, Query(query): Query<LoginQuery>) -> PageResult<Response> {
    let language = login_language(query.lang.as_deref(), &headers);
    let next = local_path(query.next.as_deref());
    login_page(&headers, StatusCode::OK, language, next, "", None)
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    next: Option<String>,
    lang: Option<String>,
}

async fn log_in(
    State(ctx): State<WebContext>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult<Response> {
    let language = login_language(form.lang.as_deref(), &headers);
    let next = local_path(form.next.as_deref()).to_owned();
    let expected = cookie(&headers, LOGIN_COOKIE);
    if expected.is_none() || form.csrf.as_deref() != expected {
        let message = i18n::text(language, "error.csrf.text");
        return login_page(
            &headers,
            StatusCode::FORBIDDEN,
            language,
            &next,
            &form.email,
            Some(message),
        );
    }
    let ip = ip.unwrap_or_else(|| "unknown".to_owned());
    let limits = &ctx.config.login_limits;
    match sessions::log_in(&ctx.db, limits, &form.email, form.password, &ip).await {
        Ok(session) => {
            let session = session_cookie(&ctx, &headers, session.session_id, session.user_id)?;
            let forget_login = set_cookie(&headers, LOGIN_COOKIE, "", "/login", 0);
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().append(header::SET_COOKIE, session);
            response
                .headers_mut()
                .append(header::SET_COOKIE, forget_login);
            Ok(response)
        }
        Err(ServiceError::Unauthenticated(message)) => {
            let message = i18n::message(language, message);
            login_page(
                &headers,
                StatusCode::UNAUTHORIZED,
                language,
                &next,
                &form.email,
                Some(message),
            )
        }
        Err(ServiceError::RateLimited {
            retry_after_seconds,
        }) => {
            let minutes = retry_after_seconds.div_ceil(60);
            let message = i18n::text(language, "login.rate_limited")
                .replace("{minutes}", &minutes.to_string());
            let mut response = login_page(
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                language,
                &next,
                &form.email,
                Some(message),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after_seconds.into());
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

async fn log_out(
    State(ctx): State<WebContext>,
    viewer: Viewer,
    headers: HeaderMap,
) -> PageResult<Response> {
    sessions::log_out(&ctx.db, viewer.session_id).await?;
    let forget = set_cookie(&headers, SESSION_COOKIE, "", "/", 0);
    Ok(([(header::SET_COOKIE, forget)], Redirect::to("/login")).into_response())
}

#[derive(Deserialize)]
struct LanguageForm {
    language: String,
    next: Option<String>,
}

async fn switch_language(
    State(ctx): State<WebContext>,
    viewer: Viewer,
    Form(form): Form<LanguageForm>,
) -> PageResult<Redirect> {
    let language =
        Language::parse(&form.language).map_err(|_| PageError::BadRequest("must be fr or en"))?;
    sessions::set_language(&ctx.db, &viewer.actor, language).await?;
    Ok(Redirect::to(local_path(form.next.as_deref())))
}
