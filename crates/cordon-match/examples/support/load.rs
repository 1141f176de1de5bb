//! The list records an example works on: a store's current entities, or an FtM export (JSON
//! lines). A source that cannot be read ends the example with its error.

use cordon_model::Entity;

/// The entities of the store at `db`, or else of the JSON-lines file at `jsonl`.
pub(crate) fn entities(db: Option<&str>, jsonl: Option<&str>) -> Vec<Entity> {
    if let Some(db) = db {
        let store = cordon_store::Store::open(db.as_ref()).unwrap_or_else(|e| {
            eprintln!("{db}: {e}");
            std::process::exit(2)
        });
        return store.current_entities().unwrap_or_else(|e| {
            eprintln!("{db}: {e}");
            std::process::exit(2)
        });
    }
    let path = jsonl.unwrap_or_default();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
