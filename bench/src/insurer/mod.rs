//! The insurer's figures, on PostgreSQL beside pgbench and argon2, then the
//! same on SQLite beside PostgreSQL's.

pub mod fixture;
pub mod ingest;
pub mod logins;

use std::collections::HashMap;

use kenpo_insurer::ServerOptions;

use crate::report::{Area, Goal, Row};
use crate::stats::{Summary, quantile_ms};
use fixture::{Database, ServerProcess};

/// How much of each: the full run, or one tiny run of each (`--smoke`).
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub runs: usize,
    pub ingest_members: usize,
    pub ingest_seconds: f64,
    pub batch: usize,
    pub writers: usize,
    pub write_seconds: f64,
    pub login_members: usize,
    pub login_seconds: f64,
    /// Ingestion on PostgreSQL alone (`--ingest-only`), when working on it.
    pub ingest_only: bool,
}

impl Sizes {
    pub const FULL: Self = Self {
        runs: 5,
        ingest_members: 50,
        ingest_seconds: 10.0,
        batch: 100,
        writers: 500,
        write_seconds: 10.0,
        login_members: 16,
        login_seconds: 5.0,
        ingest_only: false,
    };
    pub const SMOKE: Self = Self {
        runs: 1,
        ingest_members: 4,
        ingest_seconds: 1.0,
        batch: 100,
        writers: 20,
        write_seconds: 1.0,
        login_members: 2,
        login_seconds: 1.0,
        ingest_only: false,
    };
}

const BATCH_SQL: &str = include_str!("../../sql/insert_batch.sql");
const CHECK_IN_SQL: &str = include_str!("../../sql/insert_row.sql");

/// Every insurer row, on PostgreSQL (`admin_url`) and then SQLite.
pub async fn run(sizes: Sizes, admin_url: &str) -> anyhow::Result<()> {
    let postgres = Database::postgres(admin_url, "insurer").await?;
    let figures = database(sizes, &postgres, &HashMap::new()).await?;
    postgres.drop_database().await?;
    if sizes.ingest_only {
        return Ok(());
    }
    let sqlite = Database::sqlite()?;
    database(sizes, &sqlite, &figures).await?;
    Ok(())
}

/// The rows of one database; answers its figures by name, so that SQLite's
/// rows can stand beside PostgreSQL's.
async fn database(
    sizes: Sizes,
    database: &Database,
    on_postgres: &HashMap<&'static str, Summary>,
) -> anyhow::Result<HashMap<&'static str, Summary>> {
    let url = database.url();
    let scratch = tempfile::tempdir()?;
    let options = || ServerOptions {
        database_url: url.clone(),
        ..ServerOptions::sqlite_in(scratch.path())
    };
    let ingesters = fixture::members(options(), sizes.ingest_members).await?;
    let writers = fixture::members(options(), sizes.writers).await?;
    let loggers = fixture::members(options(), sizes.login_members).await?;
    let server = ServerProcess::start(&fixture::insurer_binary(), &url).await?;
    let span = |members: &[fixture::Member]| {
        let ids = members.iter().map(|m| m.account_id);
        (ids.clone().min().unwrap_or(0), ids.max().unwrap_or(0))
    };

    let mut ingested = Vec::new();
    let mut pg_rows = Vec::new();
    let mut batch_p99 = Vec::new();
    for run in 0..sizes.runs {
        let mut r = ingest::ingest(
            &server.base,
            &ingesters,
            sizes.batch,
            sizes.ingest_seconds,
            run as u64,
        )
        .await?;
        ingested.push(r.records_per_s);
        batch_p99.push(quantile_ms(&mut r.latencies, 0.99));
        if database.is_postgres() {
            let pg = ingest::pgbench(
                &url,
                BATCH_SQL,
                sizes.ingest_members,
                sizes.ingest_seconds,
                span(&ingesters),
                None,
            )
            .await?;
            pg_rows.push(pg.tps * 100.0);
        }
    }

    if sizes.ingest_only {
        println!(
            "ingestion {:?} records/s, pgbench {:?} rows/s",
            Summary::of(&ingested),
            Summary::of(&pg_rows)
        );
        server.stop().await?;
        return Ok(HashMap::new());
    }
    let mut write_p99 = Vec::new();
    let mut pg_write_p99 = Vec::new();
    for _ in 0..sizes.runs {
        let mut latencies = ingest::check_ins(&server.base, &writers, sizes.write_seconds).await?;
        write_p99.push(quantile_ms(&mut latencies, 0.99));
        if database.is_postgres() {
            // The same inserts at the same rate, straight into the table.
            let mut pg = ingest::pgbench(
                &url,
                CHECK_IN_SQL,
                sizes.writers.min(100),
                sizes.write_seconds,
                span(&writers),
                Some(sizes.writers as u32),
            )
            .await?;
            pg_write_p99.push(quantile_ms(&mut pg.latencies, 0.99));
        }
    }
    let (_, peak_kib) = server.rss_kib()?;

    let mut raw = Vec::new();
    let mut logins = Vec::new();
    for _ in 0..sizes.runs {
        raw.push(logins::raw_argon2_per_s(sizes.login_seconds)?);
        logins.push(logins::logins_per_s(&server.base, &loggers, sizes.login_seconds).await?);
    }
    server.stop().await?;

    let summary = |samples: &[f64]| Summary::of(samples).unwrap_or(Summary::one(f64::NAN));
    let mut figures = HashMap::new();
    figures.insert("ingest", summary(&ingested));
    figures.insert("write_p99", summary(&write_p99));
    figures.insert("peak", Summary::one(peak_kib as f64 / 1024.0));

    let area = if database.is_postgres() {
        Area::InsurerPostgres
    } else {
        Area::InsurerSqlite
    };
    let ingest_note = format!(
        "{} members each posting batches of {} new records (steps and weight) through \
         `POST /api/v1/records` with an Idempotency-Key, for {} s a run; pgbench: as many \
         clients inserting the same 100 rows a transaction into the same `records` table.",
        sizes.ingest_members, sizes.batch, sizes.ingest_seconds
    );
    let write_note = format!(
        "{} members each sending a day's steps and weight once a second, spread evenly \
         (an open loop: a slow answer does not hold back the others), for {} s a run, from \
         this process; the server is its own process. pgbench: the same two rows a \
         transaction at the same rate.",
        sizes.writers, sizes.write_seconds
    );
    // PostgreSQL's rows stand beside pgbench, SQLite's beside PostgreSQL's.
    let postgres = database.is_postgres();
    let anchored = |row: Row, name: &str, pgbench: &[f64], goal: Goal| match on_postgres.get(name) {
        _ if postgres && !pgbench.is_empty() => row.beside("pgbench", summary(pgbench)).goal(goal),
        Some(pg) if !postgres => row.beside("on PostgreSQL", *pg),
        _ => row,
    };
    let rows = [
        anchored(
            Row::new(area, "Record ingestion", "records/s", summary(&ingested)).note(&ingest_note),
            "ingest",
            &pg_rows,
            Goal::RatioAtLeast(0.5),
        ),
        Row::new(
            area,
            "A batch of 100 records, p99",
            "ms",
            summary(&batch_p99),
        ),
        anchored(
            Row::new(
                area,
                &format!("A check-in with {} members writing, p99", sizes.writers),
                "ms",
                summary(&write_p99),
            )
            .note(&write_note),
            "write_p99",
            &pg_write_p99,
            Goal::AtMost(50.0),
        ),
        Row::new(area, "Logins", "logins/s", summary(&logins))
            .note(&format!(
                "{} members logging in again as soon as answered; argon2id (m = {} KiB, t = {}, \
                 p = {}) verifying in one thread per core, alone.",
                sizes.login_members,
                kenpo_insurer::passwords::MEMORY_KIB,
                kenpo_insurer::passwords::ITERATIONS,
                kenpo_insurer::passwords::PARALLELISM
            ))
            .beside("raw argon2id", summary(&raw))
            .goal(Goal::RatioAtLeast(0.9)),
        anchored(
            Row::new(
                area,
                "The server's peak RSS under this load",
                "MiB",
                Summary::one(peak_kib as f64 / 1024.0),
            ),
            "peak",
            &[],
            Goal::None,
        ),
    ];
    for row in rows {
        row.record()?;
    }
    Ok(figures)
}
