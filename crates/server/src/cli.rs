//! The command line's other jobs (`kamscope db ...`), kept out of `main` so tests run them.
use std::io::Write;

use kamscope_db::KamailioDb;

use crate::configuration::Settings;

/// `kamscope db indexes [--apply]`.
pub async fn db_indexes(settings: &Settings, apply: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let db = KamailioDb::connect(&settings.db_config()?).await?;
    let report = db.index_report().await?;
    if report.is_empty() {
        writeln!(out, "None of the tables kamscope has recommendations for exist in this database.")?;
        return Ok(());
    }
    for s in &report {
        match &s.present {
            Some(name) => writeln!(out, "ok       {}({}): index {name}", s.index.table, s.index.columns.join(", "))?,
            None => writeln!(
                out,
                "MISSING  {}({}): for {}\n         {};",
                s.index.table,
                s.index.columns.join(", "),
                s.index.why,
                s.sql
            )?,
        }
    }
    let missing: Vec<_> = report.iter().filter(|s| s.present.is_none()).collect();
    if missing.is_empty() {
        writeln!(out, "Every recommended index is there.")?;
        return Ok(());
    }
    if !apply {
        writeln!(
            out,
            "\n{} missing. `kamscope db indexes --apply` creates them; on this backend ({}): {}",
            missing.len(),
            db.backend().name(),
            db.backend().index_build_effect()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "\nCreating {} index(es) on {}. {}",
        missing.len(),
        db.backend().name(),
        db.backend().index_build_effect()
    )?;
    for s in missing {
        let started = std::time::Instant::now();
        db.create_index(s).await.map_err(|e| anyhow::anyhow!("{}: {e}", s.sql))?;
        writeln!(
            out,
            "created  {} on {}({}) in {:.1} s",
            s.index.name,
            s.index.table,
            s.index.columns.join(", "),
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}
