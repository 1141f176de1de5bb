//! `cordon keys`: API keys for the service (safe while the server runs; it re-reads the file).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::Global;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Cmd,
    /// The service directory [default: beside the store].
    #[arg(long, value_name = "DIR", global = true)]
    service_dir: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Create a key; the key is printed once and only its salted hash is stored.
    Create {
        /// A name for the audit trail (e.g. kyc-backend).
        name: String,
        /// share (TAXII collections only), screen, analyst or admin.
        #[arg(long, default_value = "screen")]
        role: String,
    },
    /// List keys (never the secrets).
    List,
    /// Revoke a key by name or id.
    Revoke {
        /// Name or id.
        key: String,
    },
}

pub(crate) fn run(global: &Global, args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::audit::service_dir(global, args.service_dir.as_ref());
    dir.create()?;
    let path = dir.keys();
    match &args.command {
        Cmd::Create { name, role } => {
            let role: cordon_server::Role = role.parse()?;
            let (info, token) = cordon_server::Keys::create(&path, name, role)?;
            eprintln!(
                "created key {:?} (id {}, role {}); it is shown only now:",
                info.name,
                info.id,
                info.role.as_str()
            );
            outln!("{token}");
        }
        Cmd::List => {
            let keys = cordon_server::Keys::load(&path)?;
            let mut buf = Vec::new();
            cordon_server::write_key_table(&keys, &mut buf)?;
            out!("{}", String::from_utf8_lossy(&buf));
        }
        Cmd::Revoke { key } => {
            let info = cordon_server::Keys::revoke(&path, key)?;
            outln!("revoked {} ({})", info.name, info.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
