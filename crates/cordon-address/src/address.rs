use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::codec::{self, BASE58, BASE58CHECK, HEX, MONERO_BASE58, XRP_BASE58CHECK};
use crate::error::ascii_look_alike;
use crate::{AddressError, Chain};

/// The longest input Cordon tries to decode (Monero integrated addresses are 106 characters,
/// cashaddr with a prefix and a 64-byte hash about 120).
pub const MAX_ADDRESS_LEN: usize = 128;

/// What an address pays to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// Pay to public-key hash (Base58Check or cashaddr).
    P2pkh,
    /// Pay to script hash (Base58Check or cashaddr).
    P2sh,
    /// Segwit v0 key hash (20-byte program).
    P2wpkh,
    /// Segwit v0 script hash (32-byte program).
    P2wsh,
    /// Segwit v1 (taproot, bech32m).
    P2tr,
    /// A future segwit version (2..=16), valid but not yet in use.
    WitnessUnknown,
    /// An EVM account (externally owned or contract).
    EvmAccount,
    /// A Tron account.
    TronAccount,
    /// A Monero standard address.
    MoneroStandard,
    /// A Monero integrated address (standard address plus an 8-byte payment id).
    MoneroIntegrated,
    /// A Monero subaddress.
    MoneroSubaddress,
    /// A Solana account (an ed25519 public key or program-derived address).
    SolanaAccount,
    /// An XRP Ledger classic account.
    XrpAccount,
    /// A BNB Beacon Chain account (bech32 `bnb1…`).
    BnbAccount,
}

impl Kind {
    /// The kebab-case name used in JSON (`p2pkh`, `evm-account`, `monero-subaddress`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::P2pkh => "p2pkh",
            Kind::P2sh => "p2sh",
            Kind::P2wpkh => "p2wpkh",
            Kind::P2wsh => "p2wsh",
            Kind::P2tr => "p2tr",
            Kind::WitnessUnknown => "witness-unknown",
            Kind::EvmAccount => "evm-account",
            Kind::TronAccount => "tron-account",
            Kind::MoneroStandard => "monero-standard",
            Kind::MoneroIntegrated => "monero-integrated",
            Kind::MoneroSubaddress => "monero-subaddress",
            Kind::SolanaAccount => "solana-account",
            Kind::XrpAccount => "xrp-account",
            Kind::BnbAccount => "bnb-account",
        }
    }
}

/// How the address is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Encoding {
    /// Base58 with a version prefix and a 4-byte double-SHA-256 checksum.
    Base58Check,
    /// BIP-173 bech32 (segwit v0).
    Bech32,
    /// BIP-350 bech32m (segwit v1+).
    Bech32m,
    /// Bitcoin Cash cashaddr (40-bit BCH-code checksum).
    CashAddr,
    /// 0x-prefixed hex, with an EIP-55 mixed-case checksum when mixed case.
    Hex,
    /// Monero block-wise base58 with a Keccak-256 checksum.
    MoneroBase58,
    /// Plain base58 without checksum (Solana).
    Base58,
    /// Base58Check over the Ripple alphabet.
    XrpBase58Check,
}

/// Main network or a test network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    /// The production network.
    Mainnet,
    /// Testnet, regtest or stagenet.
    Testnet,
}

/// What the checksum told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// The encoding's checksum was present and matched.
    Verified,
    /// An EVM address written all lower or all upper case: valid, but it carries no EIP-55
    /// checksum, so a typo would not have been detected.
    Uncased,
    /// The format has no checksum at all (Solana): any 32-byte key is valid.
    None,
}

/// A compact, fixed-size identity key: equal keys mean the same address.
///
/// Byte 0 is the address family, byte 1 the length of the identity bytes, then the identity
/// bytes zero-padded. Identities longer than 30 bytes (32-byte segwit programs, Solana keys,
/// Monero key pairs) are replaced by a 31-byte SHA-256 prefix, with the family's high bit set;
/// the index keeps the full identity beside the key and compares it on a hit, so lookups stay
/// exact. BCH cashaddr and legacy forms of the same hash share a key, as do EVM addresses on
/// different EVM chains: they are the same holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddressKey(pub [u8; 32]);

const FAMILY_BASE58: u8 = 1;
const FAMILY_EVM: u8 = 2;
const FAMILY_MONERO: u8 = 3;
const FAMILY_SOLANA: u8 = 4;
const FAMILY_XRP: u8 = 5;
const FAMILY_SEGWIT: u8 = 6;

impl AddressKey {
    fn new(family: u8, identity: &[u8]) -> Self {
        let mut k = [0u8; 32];
        if identity.len() <= 30 {
            k[0] = family;
            k[1] = identity.len() as u8;
            if let Some(dst) = k.get_mut(2..2 + identity.len()) {
                dst.copy_from_slice(identity);
            }
        } else {
            let digest = Sha256::digest(identity);
            k[0] = family | 0x80;
            if let (Some(dst), Some(src)) = (k.get_mut(1..), digest.get(..31)) {
                dst.copy_from_slice(src);
            }
        }
        AddressKey(k)
    }

    /// Whether the key is a hash of a longer identity (compare identities on a hit).
    pub fn is_hashed(&self) -> bool {
        self.0[0] & 0x80 != 0
    }
}

/// A parsed, validated address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    chains: Vec<Chain>,
    kind: Kind,
    encoding: Encoding,
    network: Network,
    checksum: Checksum,
    canonical: String,
    #[serde(skip)]
    identity: Vec<u8>,
    #[serde(skip)]
    key: AddressKey,
}

impl Address {
    /// The most likely chain (the first of [`chains`](Self::chains)).
    pub fn chain(&self) -> Chain {
        self.chains.first().copied().unwrap_or(Chain::Btc)
    }

    /// Every chain this string is a valid address on, most likely first (a `1…` address is
    /// valid on Bitcoin, Bitcoin Cash and Bitcoin SV; a `0x…` address on every EVM chain).
    pub fn chains(&self) -> &[Chain] {
        &self.chains
    }

    /// What the address pays to.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// How the address is written.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Main or test network.
    pub fn network(&self) -> Network {
        self.network
    }

    /// What the checksum told us.
    pub fn checksum(&self) -> Checksum {
        self.checksum
    }

    /// The canonical identity string: lower case where the encoding is case-insensitive (hex,
    /// bech32, cashaddr with its `bitcoincash:` prefix), exactly as encoded where case carries
    /// information (base58).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The decoded bytes that identify the address (version/prefix and hash or keys).
    pub fn identity(&self) -> &[u8] {
        &self.identity
    }

    /// The compact identity key for exact lookups.
    pub fn key(&self) -> AddressKey {
        self.key
    }

    /// The form to show people: EIP-55 mixed case for EVM addresses, the canonical form
    /// otherwise.
    pub fn display_form(&self) -> String {
        if self.encoding == Encoding::Hex {
            codec::eip55(self.canonical.get(2..).unwrap_or_default())
        } else {
            self.canonical.clone()
        }
    }

    /// The wallet entity id on the most likely chain (`wallet-<chain>-<canonical>`).
    pub fn wallet_id(&self) -> String {
        format!("wallet-{}-{}", self.chain().slug(), self.canonical)
    }

    /// This address restricted to one of its chains.
    fn on(mut self, chain: Chain) -> Result<Self, AddressError> {
        if self.chains.contains(&chain) {
            self.chains = vec![chain];
            Ok(self)
        } else {
            Err(AddressError::WrongChain {
                chain,
                found: self.chains,
            })
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

/// Parses an address of any supported chain, detecting the candidate chains from its shape.
///
/// Leading and trailing whitespace is ignored; anything else that is not part of a valid
/// address is an error, and a checksum that does not match is always an error (never a
/// "closest match").
pub fn parse(s: &str) -> Result<Address, AddressError> {
    let s = s.trim();
    precheck(s)?;
    detect(s)
}

/// Parses an address that must be valid on `chain`.
pub fn parse_on(chain: Chain, s: &str) -> Result<Address, AddressError> {
    parse(s)?.on(chain)
}

fn precheck(s: &str) -> Result<(), AddressError> {
    if s.is_empty() {
        return Err(AddressError::Empty);
    }
    if let Some((offset, ch)) = s.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(AddressError::NonAscii {
            ch,
            offset,
            looks_like: ascii_look_alike(ch),
        });
    }
    if s.len() > MAX_ADDRESS_LEN {
        return Err(AddressError::TooLong {
            len: s.len(),
            max: MAX_ADDRESS_LEN,
        });
    }
    if let Some((offset, ch)) = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == ':'))
    {
        return Err(AddressError::BadCharacter {
            ch,
            offset,
            encoding: "any address",
        });
    }
    Ok(())
}

const SEGWIT_HRPS: [(&str, u8, Chain, Network); 5] = [
    ("bc", 0, Chain::Btc, Network::Mainnet),
    ("tb", 1, Chain::Btc, Network::Testnet),
    ("bcrt", 2, Chain::Btc, Network::Testnet),
    ("ltc", 3, Chain::Ltc, Network::Mainnet),
    ("tltc", 4, Chain::Ltc, Network::Testnet),
];

const CASH_PREFIXES: [(&str, Network); 3] = [
    ("bitcoincash", Network::Mainnet),
    ("bchtest", Network::Testnet),
    ("bchreg", Network::Testnet),
];

fn detect(s: &str) -> Result<Address, AddressError> {
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return evm(s, hex);
    }
    if let Some((prefix, payload)) = lower.split_once(':') {
        let Some((p, net)) = CASH_PREFIXES.iter().find(|(p, _)| *p == prefix) else {
            return Err(AddressError::UnknownPrefix {
                prefix: s.split(':').next().unwrap_or_default().to_owned(),
            });
        };
        return cashaddr(
            s.get(prefix.len() + 1..).unwrap_or_default(),
            payload,
            p,
            *net,
        );
    }
    // Shapes that overlap are tried most specific first; the first decoder that accepts the
    // string wins, otherwise the first decoder's error is reported.
    let mut first_error: Option<AddressError> = None;
    let mut attempt = |r: Result<Address, AddressError>| match r {
        Ok(a) => Some(a),
        Err(e) => {
            first_error.get_or_insert(e);
            None
        }
    };
    let single_case =
        !(s.bytes().any(|b| b.is_ascii_lowercase()) && s.bytes().any(|b| b.is_ascii_uppercase()));
    let segwit_hrp = SEGWIT_HRPS.iter().find(|(h, ..)| {
        lower.len() > h.len() + 1
            && lower.starts_with(h)
            && lower.as_bytes().get(h.len()) == Some(&b'1')
    });
    if let Some((_, hrp_id, chain, net)) = segwit_hrp {
        // A mixed-case string may still be Base58 that happens to start like an HRP (a Tron
        // `TB1…` address), so only a single-case string is settled here.
        if let Some(a) = attempt(segwit(s, *hrp_id, *chain, *net)) {
            return Ok(a);
        }
        if single_case {
            return Err(first_error.unwrap_or(AddressError::Empty));
        }
    }
    if lower.starts_with("bnb1") && single_case {
        return bnb(s);
    }
    if s.bytes().all(|b| b.is_ascii_hexdigit()) {
        match s.len() {
            64 => return Err(AddressError::LooksLikeHash),
            40 => {
                return Err(AddressError::MissingHexPrefix { hex: s.to_owned() });
            }
            _ => {}
        }
    }
    let len = s.len();
    let cash_shape = (lower.starts_with('q') || lower.starts_with('p'))
        && matches!(len, 42 | 48 | 55 | 61 | 74 | 87 | 100 | 112)
        && lower
            .bytes()
            .all(|b| b"qpzry9x8gf2tvdw0s3jn54khce6mua7l".contains(&b));
    let monero_start = s.starts_with('4') || s.starts_with('8');
    let monero_len = len == 95 || len == 106;
    let decoders: [(bool, Decoder); 6] = [
        (cash_shape, cashaddr_bare),
        (monero_start && monero_len, monero),
        // Longer than any Base58Check or Solana string: only Monero is this long.
        (
            monero_start && !monero_len && (60..=120).contains(&len),
            monero_bad_length,
        ),
        (s.starts_with('r') && (25..=35).contains(&len), xrp),
        ((25..=36).contains(&len), base58check),
        ((32..=44).contains(&len), solana),
    ];
    for (applies, decode) in decoders {
        if let Some(a) = applies.then(|| attempt(decode(s))).flatten() {
            return Ok(a);
        }
    }
    if let Some(hrp) = bech32_like_hrp(&lower).filter(|_| segwit_hrp.is_none()) {
        return Err(AddressError::UnknownPrefix {
            prefix: hrp.to_owned(),
        });
    }
    Err(first_error.unwrap_or_else(|| AddressError::UnknownFormat {
        len,
        start: s.chars().take(4).collect(),
    }))
}

/// The human-readable part of a string shaped like bech32 (`hrp` `1` data of the bech32
/// charset), so that an unknown network is named as such rather than as a bad character.
fn bech32_like_hrp(lower: &str) -> Option<&str> {
    let (hrp, data) = lower.rsplit_once('1')?;
    let charset = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let shaped = (1..=20).contains(&hrp.len())
        && hrp.bytes().all(|b| b.is_ascii_lowercase())
        && data.len() >= 6
        && data.bytes().all(|b| charset.contains(&b));
    shaped.then_some(hrp)
}

fn evm(s: &str, lower_hex: &str) -> Result<Address, AddressError> {
    let digits = s.get(2..).unwrap_or_default();
    if digits.len() != 40 {
        return Err(AddressError::BadLength {
            encoding: HEX,
            len: digits.len() / 2,
            expected: "20 bytes (40 hex digits)",
        });
    }
    let bytes = codec::parse_hex(digits, 2)?;
    let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    let checksum = if has_lower && has_upper {
        let expected = codec::eip55(lower_hex);
        if expected.get(2..) != Some(digits) {
            return Err(AddressError::BadEip55 { expected });
        }
        Checksum::Verified
    } else {
        Checksum::Uncased
    };
    Ok(Address {
        chains: Chain::EVM.to_vec(),
        kind: Kind::EvmAccount,
        encoding: Encoding::Hex,
        network: Network::Mainnet,
        checksum,
        canonical: format!("0x{lower_hex}"),
        key: AddressKey::new(FAMILY_EVM, &bytes),
        identity: bytes,
    })
}

/// Base58Check version bytes: (version, kind, network, chains). Zcash uses two bytes.
const VERSIONS: &[(&[u8], Kind, Network, &[Chain])] = &[
    (
        &[0x00],
        Kind::P2pkh,
        Network::Mainnet,
        &[Chain::Btc, Chain::Bch, Chain::Bsv],
    ),
    (
        &[0x05],
        Kind::P2sh,
        Network::Mainnet,
        &[Chain::Btc, Chain::Bch, Chain::Bsv, Chain::Ltc],
    ),
    (&[0x6f], Kind::P2pkh, Network::Testnet, &[Chain::Btc]),
    (&[0xc4], Kind::P2sh, Network::Testnet, &[Chain::Btc]),
    (&[0x30], Kind::P2pkh, Network::Mainnet, &[Chain::Ltc]),
    (&[0x32], Kind::P2sh, Network::Mainnet, &[Chain::Ltc]),
    (
        &[0x1e],
        Kind::P2pkh,
        Network::Mainnet,
        &[Chain::Doge, Chain::Xvg],
    ),
    (&[0x16], Kind::P2sh, Network::Mainnet, &[Chain::Doge]),
    (&[0x21], Kind::P2sh, Network::Mainnet, &[Chain::Xvg]),
    (&[0x4c], Kind::P2pkh, Network::Mainnet, &[Chain::Dash]),
    (&[0x10], Kind::P2sh, Network::Mainnet, &[Chain::Dash]),
    (&[0x26], Kind::P2pkh, Network::Mainnet, &[Chain::Btg]),
    (&[0x17], Kind::P2sh, Network::Mainnet, &[Chain::Btg]),
    (&[0x41], Kind::TronAccount, Network::Mainnet, &[Chain::Trx]),
    (&[0x1c, 0xb8], Kind::P2pkh, Network::Mainnet, &[Chain::Zec]),
    (&[0x1c, 0xbd], Kind::P2sh, Network::Mainnet, &[Chain::Zec]),
    (&[0x1d, 0x25], Kind::P2pkh, Network::Testnet, &[Chain::Zec]),
    (&[0x1c, 0xba], Kind::P2sh, Network::Testnet, &[Chain::Zec]),
];

fn base58check(s: &str) -> Result<Address, AddressError> {
    let data = codec::base58check_decode(s, false)?;
    let Some((version, kind, network, chains)) = VERSIONS
        .iter()
        .find(|(v, ..)| data.len() == v.len() + 20 && data.starts_with(v))
    else {
        return Err(match data.first() {
            Some(&v) if data.len() == 21 || data.len() == 22 => AddressError::UnknownVersion {
                encoding: BASE58CHECK,
                version: u32::from(v),
            },
            _ => AddressError::BadLength {
                encoding: BASE58CHECK,
                len: data.len(),
                expected: "a version and a 20-byte hash",
            },
        });
    };
    let _ = version;
    Ok(Address {
        chains: chains.to_vec(),
        kind: *kind,
        encoding: Encoding::Base58Check,
        network: *network,
        checksum: Checksum::Verified,
        canonical: codec::base58check_encode(&data, false),
        key: AddressKey::new(FAMILY_BASE58, &data),
        identity: data,
    })
}

type Decoder = fn(&str) -> Result<Address, AddressError>;

fn cashaddr_bare(s: &str) -> Result<Address, AddressError> {
    cashaddr(s, &s.to_ascii_lowercase(), "bitcoincash", Network::Mainnet)
}

fn monero_bad_length(s: &str) -> Result<Address, AddressError> {
    Err(AddressError::BadTextLength {
        encoding: MONERO_BASE58,
        len: s.len(),
        expected: "95 characters (106 when integrated)",
    })
}

fn cashaddr(
    original: &str,
    lower_payload: &str,
    prefix: &str,
    network: Network,
) -> Result<Address, AddressError> {
    if original.bytes().any(|b| b.is_ascii_lowercase())
        && original.bytes().any(|b| b.is_ascii_uppercase())
    {
        return Err(AddressError::MixedCase {
            encoding: codec::CASHADDR,
        });
    }
    let (version, hash) = codec::cashaddr_decode(prefix, lower_payload)?;
    let (kind, legacy) = match (version >> 3, network) {
        (0, Network::Mainnet) => (Kind::P2pkh, 0x00),
        (1, Network::Mainnet) => (Kind::P2sh, 0x05),
        (0, Network::Testnet) => (Kind::P2pkh, 0x6f),
        (1, Network::Testnet) => (Kind::P2sh, 0xc4),
        (t, _) => {
            return Err(AddressError::UnknownVersion {
                encoding: codec::CASHADDR,
                version: u32::from(t),
            });
        }
    };
    // Cashaddr and legacy Base58Check name the same hash: one identity, so a list that writes
    // the legacy form still matches a cashaddr query.
    let mut identity = vec![legacy];
    identity.extend_from_slice(&hash);
    Ok(Address {
        chains: vec![Chain::Bch],
        kind,
        encoding: Encoding::CashAddr,
        network,
        checksum: Checksum::Verified,
        canonical: codec::cashaddr_encode(prefix, version, &hash),
        key: AddressKey::new(FAMILY_BASE58, &identity),
        identity,
    })
}

fn segwit(s: &str, hrp_id: u8, chain: Chain, network: Network) -> Result<Address, AddressError> {
    use bech32::primitives::decode::{CharError, SegwitHrpstringError, UncheckedHrpstringError};
    let (_, version, program) = bech32::segwit::decode(s).map_err(|e| match e.0 {
        SegwitHrpstringError::Checksum(_) => AddressError::BadChecksum {
            encoding: "bech32/bech32m",
        },
        SegwitHrpstringError::Unchecked(UncheckedHrpstringError::Char(CharError::MixedCase)) => {
            AddressError::MixedCase { encoding: "bech32" }
        }
        SegwitHrpstringError::Unchecked(UncheckedHrpstringError::Char(CharError::InvalidChar(
            ch,
        ))) => AddressError::BadCharacter {
            ch,
            offset: s.find(ch).unwrap_or(0),
            encoding: "bech32",
        },
        other => AddressError::BadWitness {
            reason: other.to_string(),
        },
    })?;
    let v = version.to_u8();
    let (kind, encoding) = match (v, program.len()) {
        (0, 20) => (Kind::P2wpkh, Encoding::Bech32),
        (0, 32) => (Kind::P2wsh, Encoding::Bech32),
        (1, 32) => (Kind::P2tr, Encoding::Bech32m),
        (0, n) => {
            return Err(AddressError::BadWitness {
                reason: format!("version 0 program of {n} bytes (must be 20 or 32)"),
            });
        }
        _ => (Kind::WitnessUnknown, Encoding::Bech32m),
    };
    let mut identity = vec![hrp_id, v];
    identity.extend_from_slice(&program);
    Ok(Address {
        chains: vec![chain],
        kind,
        encoding,
        network,
        checksum: Checksum::Verified,
        canonical: s.to_ascii_lowercase(),
        key: AddressKey::new(FAMILY_SEGWIT, &identity),
        identity,
    })
}

/// BNB Beacon Chain accounts: plain bech32 (not segwit) over a 20-byte address.
fn bnb(s: &str) -> Result<Address, AddressError> {
    use bech32::primitives::decode::{CharError, CheckedHrpstringError, UncheckedHrpstringError};
    let checked = bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(s).map_err(
        |e| match e {
            CheckedHrpstringError::Checksum(_) => AddressError::BadChecksum { encoding: "bech32" },
            CheckedHrpstringError::Parse(UncheckedHrpstringError::Char(CharError::MixedCase)) => {
                AddressError::MixedCase { encoding: "bech32" }
            }
            other => AddressError::BadWitness {
                reason: other.to_string(),
            },
        },
    )?;
    let data: Vec<u8> = checked.byte_iter().collect();
    if data.len() != 20 {
        return Err(AddressError::BadLength {
            encoding: "bech32",
            len: data.len(),
            expected: "20 bytes",
        });
    }
    let mut identity = vec![5u8];
    identity.extend_from_slice(&data);
    Ok(Address {
        chains: vec![Chain::Bnb],
        kind: Kind::BnbAccount,
        encoding: Encoding::Bech32,
        network: Network::Mainnet,
        checksum: Checksum::Verified,
        canonical: s.to_ascii_lowercase(),
        key: AddressKey::new(FAMILY_SEGWIT, &identity),
        identity,
    })
}

/// Monero network bytes (one-byte varints): (byte, kind, network).
const MONERO_PREFIXES: [(u8, Kind, Network); 9] = [
    (18, Kind::MoneroStandard, Network::Mainnet),
    (19, Kind::MoneroIntegrated, Network::Mainnet),
    (42, Kind::MoneroSubaddress, Network::Mainnet),
    (53, Kind::MoneroStandard, Network::Testnet),
    (54, Kind::MoneroIntegrated, Network::Testnet),
    (63, Kind::MoneroSubaddress, Network::Testnet),
    (24, Kind::MoneroStandard, Network::Testnet),
    (25, Kind::MoneroIntegrated, Network::Testnet),
    (36, Kind::MoneroSubaddress, Network::Testnet),
];

fn monero(s: &str) -> Result<Address, AddressError> {
    let data = codec::monero_decode(s)?;
    if data.len() < 5 {
        return Err(AddressError::BadLength {
            encoding: MONERO_BASE58,
            len: data.len(),
            expected: "69 or 77 bytes",
        });
    }
    let (body, check) = data.split_at(data.len() - 4);
    if codec::keccak256(body).get(..4) != Some(check) {
        return Err(AddressError::BadChecksum {
            encoding: MONERO_BASE58,
        });
    }
    let prefix = body.first().copied().unwrap_or(0);
    let Some((_, kind, network)) = MONERO_PREFIXES.iter().find(|(p, ..)| *p == prefix) else {
        return Err(AddressError::UnknownVersion {
            encoding: MONERO_BASE58,
            version: u32::from(prefix),
        });
    };
    let expected = if *kind == Kind::MoneroIntegrated {
        73
    } else {
        65
    };
    if body.len() != expected {
        return Err(AddressError::BadLength {
            encoding: MONERO_BASE58,
            len: body.len(),
            expected: "65 bytes (73 for integrated addresses) before the checksum",
        });
    }
    Ok(Address {
        chains: vec![Chain::Xmr],
        kind: *kind,
        encoding: Encoding::MoneroBase58,
        network: *network,
        checksum: Checksum::Verified,
        canonical: codec::monero_encode(&data),
        key: AddressKey::new(FAMILY_MONERO, body),
        identity: body.to_vec(),
    })
}

fn xrp(s: &str) -> Result<Address, AddressError> {
    let data = codec::base58check_decode(s, true)?;
    if data.len() != 21 || data.first() != Some(&0) {
        return Err(AddressError::BadLength {
            encoding: XRP_BASE58CHECK,
            len: data.len(),
            expected: "version 0 and a 20-byte account id",
        });
    }
    Ok(Address {
        chains: vec![Chain::Xrp],
        kind: Kind::XrpAccount,
        encoding: Encoding::XrpBase58Check,
        network: Network::Mainnet,
        checksum: Checksum::Verified,
        canonical: codec::base58check_encode(&data, true),
        key: AddressKey::new(FAMILY_XRP, &data),
        identity: data,
    })
}

fn solana(s: &str) -> Result<Address, AddressError> {
    let data = codec::base58_decode(s)?;
    if data.len() != 32 {
        return Err(AddressError::BadLength {
            encoding: BASE58,
            len: data.len(),
            expected: "32 bytes (a Solana public key)",
        });
    }
    Ok(Address {
        chains: vec![Chain::Sol],
        kind: Kind::SolanaAccount,
        encoding: Encoding::Base58,
        network: Network::Mainnet,
        checksum: Checksum::None,
        canonical: codec::base58_encode(&data),
        key: AddressKey::new(FAMILY_SOLANA, &data),
        identity: data,
    })
}

/// Encoders used by the round-trip property tests.
#[cfg(test)]
pub(crate) mod encode {
    use super::*;

    pub(crate) fn base58check(version: &[u8], hash: &[u8; 20]) -> String {
        let mut d = version.to_vec();
        d.extend_from_slice(hash);
        codec::base58check_encode(&d, false)
    }

    pub(crate) fn xrp(hash: &[u8; 20]) -> String {
        let mut d = vec![0u8];
        d.extend_from_slice(hash);
        codec::base58check_encode(&d, true)
    }

    pub(crate) fn monero(prefix: u8, keys: &[u8; 64]) -> String {
        let mut d = vec![prefix];
        d.extend_from_slice(keys);
        let check = codec::keccak256(&d);
        d.extend_from_slice(check.get(..4).unwrap_or_default());
        codec::monero_encode(&d)
    }

    pub(crate) fn evm(bytes: &[u8; 20]) -> String {
        codec::eip55(&codec::hex_lower(bytes))
    }

    pub(crate) fn cashaddr(p2sh: bool, hash: &[u8; 20]) -> String {
        codec::cashaddr_encode("bitcoincash", if p2sh { 8 } else { 0 }, hash)
    }

    pub(crate) fn segwit(version: u8, program: &[u8]) -> String {
        let hrp = bech32::Hrp::parse("bc").unwrap_or(bech32::hrp::BC);
        let v = bech32::Fe32::try_from(version).unwrap_or(bech32::Fe32::Q);
        bech32::segwit::encode(hrp, v, program).unwrap_or_default()
    }
}
