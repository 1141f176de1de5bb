use crate::Chain;

/// Why a string is not a valid address (on a chain, or at all).
///
/// Every variant has a stable [`code`](AddressError::code) for JSON output and tests; the
/// `Display` text is for people and names the offending character, offset or expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// Nothing but whitespace.
    #[error("empty address")]
    Empty,
    /// Longer than any address format Cordon knows.
    #[error("{len} bytes is longer than any address ({max} at most)")]
    TooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The longest address Cordon accepts.
        max: usize,
    },
    /// A non-ASCII character; addresses are always ASCII.
    #[error("non-ASCII character {ch:?} (U+{:04X}) at byte {offset}{}", u32::from(*ch),
        looks_like.map(|c| format!(", which looks like {c:?}: a look-alike, not the address")).unwrap_or_default())]
    NonAscii {
        /// The character.
        ch: char,
        /// Its byte offset in the (trimmed) input.
        offset: usize,
        /// The ASCII character it imitates, when it is a known look-alike.
        looks_like: Option<char>,
    },
    /// An ASCII character the detected encoding does not use.
    #[error("character {ch:?} at byte {offset} is not allowed in {encoding}")]
    BadCharacter {
        /// The character.
        ch: char,
        /// Its byte offset in the (trimmed) input.
        offset: usize,
        /// The encoding that was being decoded.
        encoding: &'static str,
    },
    /// The encoding's checksum does not match: a typo or a tampered address.
    #[error("{encoding} checksum does not match")]
    BadChecksum {
        /// The encoding whose checksum failed.
        encoding: &'static str,
    },
    /// A mixed-case EVM address whose case does not match its EIP-55 checksum.
    #[error("EIP-55 checksum does not match: the checksummed form is {expected}")]
    BadEip55 {
        /// The correctly checksummed form of the same hex digits.
        expected: String,
    },
    /// Upper and lower case mixed in an encoding that must be one case (bech32, cashaddr).
    #[error("{encoding} must be all lower case or all upper case")]
    MixedCase {
        /// The encoding.
        encoding: &'static str,
    },
    /// The decoded payload has the wrong length.
    #[error("{encoding} payload is {len} bytes, expected {expected}")]
    BadLength {
        /// The encoding.
        encoding: &'static str,
        /// Decoded length.
        len: usize,
        /// What the format requires.
        expected: &'static str,
    },
    /// The string has the shape of an encoding but the wrong number of characters.
    #[error("{len} characters, but a {encoding} address has {expected} (truncated or padded?)")]
    BadTextLength {
        /// The encoding the shape suggests.
        encoding: &'static str,
        /// Length in characters.
        len: usize,
        /// What the format requires.
        expected: &'static str,
    },
    /// A version byte or network prefix no supported chain uses.
    #[error("{encoding} version {version:#x} is not used by any supported chain")]
    UnknownVersion {
        /// The encoding.
        encoding: &'static str,
        /// The version number found.
        version: u32,
    },
    /// A `prefix:` or bech32 human-readable part no supported chain uses.
    #[error("unknown address prefix {prefix:?}")]
    UnknownPrefix {
        /// The prefix as written.
        prefix: String,
    },
    /// A segwit address whose witness version or program is invalid.
    #[error("invalid segwit witness: {reason}")]
    BadWitness {
        /// What is wrong.
        reason: String,
    },
    /// 64 hex digits: a transaction hash or key, not an address.
    #[error("64 hex digits look like a transaction hash or a key, not an address")]
    LooksLikeHash,
    /// 40 hex digits without `0x`: an EVM address must carry its prefix.
    #[error("40 hex digits without 0x: write EVM addresses as 0x{hex}")]
    MissingHexPrefix {
        /// The hex digits as given.
        hex: String,
    },
    /// The shape matches no supported format.
    #[error("not an address of any supported chain ({len} characters, starts with {start:?})")]
    UnknownFormat {
        /// Length in characters.
        len: usize,
        /// The first few characters.
        start: String,
    },
    /// A valid address, but of other chains than the one asked for.
    #[error("valid {} address, not a {chain} address", found.iter().map(|c| c.slug()).collect::<Vec<_>>().join("/"))]
    WrongChain {
        /// The chain asked for.
        chain: Chain,
        /// The chains the address is valid on.
        found: Vec<Chain>,
    },
}

impl AddressError {
    /// A stable, kebab-case code for the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            AddressError::Empty => "empty",
            AddressError::TooLong { .. } => "too-long",
            AddressError::NonAscii { .. } => "non-ascii",
            AddressError::BadCharacter { .. } => "bad-character",
            AddressError::BadChecksum { .. } | AddressError::BadEip55 { .. } => "bad-checksum",
            AddressError::MixedCase { .. } => "mixed-case",
            AddressError::BadLength { .. } | AddressError::BadTextLength { .. } => "bad-length",
            AddressError::UnknownVersion { .. } => "unknown-version",
            AddressError::UnknownPrefix { .. } => "unknown-prefix",
            AddressError::BadWitness { .. } => "bad-witness",
            AddressError::LooksLikeHash => "looks-like-hash",
            AddressError::MissingHexPrefix { .. } => "missing-0x",
            AddressError::UnknownFormat { .. } => "unknown-format",
            AddressError::WrongChain { .. } => "wrong-chain",
        }
    }

    /// Whether the error says the string was recognised but its checksum failed: the case a
    /// screening tool must never silently "correct".
    pub fn is_checksum(&self) -> bool {
        self.code() == "bad-checksum"
    }
}

/// The ASCII character a common look-alike imitates (Cyrillic, Greek, full-width forms).
pub(crate) fn ascii_look_alike(c: char) -> Option<char> {
    let table: &[(char, char)] = &[
        ('а', 'a'),
        ('е', 'e'),
        ('о', 'o'),
        ('р', 'p'),
        ('с', 'c'),
        ('у', 'y'),
        ('х', 'x'),
        ('і', 'i'),
        ('ј', 'j'),
        ('ѕ', 's'),
        ('ԁ', 'd'),
        ('һ', 'h'),
        ('ԛ', 'q'),
        ('ԝ', 'w'),
        ('А', 'A'),
        ('В', 'B'),
        ('Е', 'E'),
        ('К', 'K'),
        ('М', 'M'),
        ('Н', 'H'),
        ('О', 'O'),
        ('Р', 'P'),
        ('С', 'C'),
        ('Т', 'T'),
        ('Х', 'X'),
        ('У', 'Y'),
        ('І', 'I'),
        ('Ј', 'J'),
        ('Ѕ', 'S'),
        ('α', 'a'),
        ('ο', 'o'),
        ('ν', 'v'),
        ('Α', 'A'),
        ('Β', 'B'),
        ('Ε', 'E'),
        ('Ζ', 'Z'),
        ('Η', 'H'),
        ('Ι', 'I'),
        ('Κ', 'K'),
        ('Μ', 'M'),
        ('Ν', 'N'),
        ('Ο', 'O'),
        ('Ρ', 'P'),
        ('Τ', 'T'),
        ('Υ', 'Y'),
        ('Χ', 'X'),
        ('ℓ', 'l'),
        ('Ⅰ', 'I'),
        ('ⅼ', 'l'),
    ];
    if let Some((_, a)) = table.iter().find(|(l, _)| *l == c) {
        return Some(*a);
    }
    // Full-width ASCII (U+FF01..U+FF5E) sits at a fixed offset from ASCII.
    let cp = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&cp) {
        return char::from_u32(cp - 0xFF01 + 0x21);
    }
    None
}
