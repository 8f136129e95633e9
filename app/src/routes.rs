//! The HTML document and the routes: rendered on the server only.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::account::page::AccountPage;
use crate::admin::users_page::{AdminAuditPage, AdminUsersPage};
use crate::auth::{
    api::get_session_info,
    login_page::{LinkPage, LoginPage, SecondFactorPage},
    setup_page::SetupPage,
};
use crate::checklist::page::{ChecklistPage, ItemPage};
use crate::components::{
    error_view::NotFoundPage,
    layout::{Header, SessionResource},
};
use crate::import::page::{ImportPage, ProjectImportPage};
use crate::inbox::page::InboxPage;
use crate::projects::{list_page::PortfolioPage, project_page::ProjectPage};
use crate::report::page::ReportPage;
use crate::reviews::page::{ReviewPage, ReviewsPage};
use crate::risks::page::{RiskPage, RisksPage, SettingsPage};
use crate::teams::pages::{TeamPage, TeamsPage};
use crate::templates::page::TemplatesPage;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::http_status::set_csp_header();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: session context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages are rendered on the server, once per request: the session is read once.
    let session = Resource::new(|| (), |_| get_session_info());
    provide_context(SessionResource(session));

    view! {
        <Stylesheet id="leptos" href="/pkg/preflight.css" />
        <Title text="Preflight" />
        <Router>
            <Header />
            <main id="main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=PortfolioPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/login/link") view=LinkPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/search")
                        view=crate::search::page::SearchPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/exceptions")
                        view=crate::exceptions::page::ExceptionsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/campaigns")
                        view=crate::campaigns::page::CampaignsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/campaigns/:id")
                        view=crate::campaigns::page::CampaignPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/signoffs")
                        view=crate::signoff::page::SignoffsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/login/two-factor")
                        view=SecondFactorPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/p/:slug") view=ProjectPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/p/:slug/checklist")
                        view=ChecklistPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/p/:slug/items/:id") view=ItemPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/risks") view=RisksPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/risks/:id") view=RiskPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/report") view=ReportPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/plan") view=crate::phases::page::PlanPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/settings") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/import") view=ProjectImportPage ssr=SsrMode::Async />
                    <Route path=path!("/import") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/templates") view=TemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/reviews") view=ReviewsPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:slug/reviews/:id") view=ReviewPage ssr=SsrMode::Async />
                    <Route path=path!("/teams") view=TeamsPage ssr=SsrMode::Async />
                    <Route path=path!("/teams/:id") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/admin/tiers")
                        view=crate::tiers::page::TiersPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/reviewer-groups")
                        view=crate::signoff::page::ReviewerGroupsPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
    }
}
