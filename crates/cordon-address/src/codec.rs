//! The encodings: Base58Check (Bitcoin and Ripple alphabets), Monero's block-wise base58,
//! cashaddr and EIP-55. Bech32/bech32m come from the `bech32` crate.

use tiny_keccak::{Hasher, Keccak};

use crate::AddressError;

pub(crate) const BASE58: &str = "base58";
pub(crate) const BASE58CHECK: &str = "base58check";
pub(crate) const XRP_BASE58CHECK: &str = "xrp-base58check";
pub(crate) const MONERO_BASE58: &str = "monero-base58";
pub(crate) const CASHADDR: &str = "cashaddr";
pub(crate) const HEX: &str = "hex";

pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut k = Keccak::v256();
    k.update(data);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

fn bs58_error(e: bs58::decode::Error, encoding: &'static str) -> AddressError {
    match e {
        bs58::decode::Error::InvalidCharacter { character, index } => AddressError::BadCharacter {
            ch: character,
            offset: index,
            encoding,
        },
        bs58::decode::Error::InvalidChecksum { .. } => AddressError::BadChecksum { encoding },
        bs58::decode::Error::NonAsciiCharacter { index } => AddressError::BadCharacter {
            ch: '?',
            offset: index,
            encoding,
        },
        _ => AddressError::BadLength {
            encoding,
            len: 0,
            expected: "at least 5 bytes",
        },
    }
}

/// Decodes Base58Check and returns version + payload (checksum removed).
pub(crate) fn base58check_decode(s: &str, xrp: bool) -> Result<Vec<u8>, AddressError> {
    let (alphabet, encoding) = if xrp {
        (bs58::Alphabet::RIPPLE, XRP_BASE58CHECK)
    } else {
        (bs58::Alphabet::BITCOIN, BASE58CHECK)
    };
    bs58::decode(s)
        .with_alphabet(alphabet)
        .with_check(None)
        .into_vec()
        .map_err(|e| bs58_error(e, encoding))
}

pub(crate) fn base58check_encode(data: &[u8], xrp: bool) -> String {
    let alphabet = if xrp {
        bs58::Alphabet::RIPPLE
    } else {
        bs58::Alphabet::BITCOIN
    };
    bs58::encode(data)
        .with_alphabet(alphabet)
        .with_check()
        .into_string()
}

/// Plain base58 (Solana public keys: no version, no checksum).
pub(crate) fn base58_decode(s: &str) -> Result<Vec<u8>, AddressError> {
    bs58::decode(s)
        .into_vec()
        .map_err(|e| bs58_error(e, BASE58))
}

pub(crate) fn base58_encode(data: &[u8]) -> String {
    bs58::encode(data).into_string()
}

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// Encoded length of a Monero block of `i` bytes (i = 0..=8).
const MONERO_BLOCK_CHARS: [usize; 9] = [0, 2, 3, 5, 6, 7, 9, 10, 11];

fn base58_digit(c: u8) -> Option<u64> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u64)
}

/// Monero's base58: 8-byte blocks each encoded as exactly 11 characters (the last block
/// shorter), so that the string length is a function of the byte length.
pub(crate) fn monero_decode(s: &str) -> Result<Vec<u8>, AddressError> {
    let bytes = s.as_bytes();
    let full = bytes.len() / 11;
    let rest = bytes.len() % 11;
    let Some(rest_bytes) = MONERO_BLOCK_CHARS.iter().position(|&n| n == rest) else {
        return Err(AddressError::BadLength {
            encoding: MONERO_BASE58,
            len: bytes.len(),
            expected: "a whole number of Monero base58 blocks",
        });
    };
    let mut out = Vec::with_capacity(full * 8 + rest_bytes);
    for (block_index, block) in bytes.chunks(11).enumerate() {
        let size = if block.len() == 11 { 8 } else { rest_bytes };
        let mut num: u128 = 0;
        for (i, &c) in block.iter().enumerate() {
            let d = base58_digit(c).ok_or(AddressError::BadCharacter {
                ch: char::from(c),
                offset: block_index * 11 + i,
                encoding: MONERO_BASE58,
            })?;
            num = num * 58 + u128::from(d);
        }
        // A block decodes to `size` bytes; a larger number means the string was not
        // produced by the encoder (e.g. a changed character in the top digit).
        if size < 16 && num >> (8 * size) != 0 {
            return Err(AddressError::BadChecksum {
                encoding: MONERO_BASE58,
            });
        }
        let be = num.to_be_bytes();
        out.extend_from_slice(be.get(16 - size..).unwrap_or_default());
    }
    Ok(out)
}

pub(crate) fn monero_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() / 8 * 11 + 11);
    for block in data.chunks(8) {
        let mut num: u64 = 0;
        for &b in block {
            num = (num << 8) | u64::from(b);
        }
        let width = MONERO_BLOCK_CHARS[block.len()];
        let mut chars = vec![b'1'; width];
        for slot in chars.iter_mut().rev() {
            *slot = ALPHABET[(num % 58) as usize];
            num /= 58;
        }
        out.extend(chars.into_iter().map(char::from));
    }
    out
}

/// Lower-case hex without prefix.
#[cfg(test)]
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The EIP-55 mixed-case form of 40 lower-case hex digits (returned with `0x`).
pub(crate) fn eip55(lower_hex: &str) -> String {
    let hash = keccak256(lower_hex.as_bytes());
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    for (i, c) in lower_hex.chars().enumerate() {
        let nibble = hash
            .get(i / 2)
            .map_or(0, |b| if i % 2 == 0 { b >> 4 } else { b & 15 });
        out.push(if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

pub(crate) fn parse_hex(s: &str, offset: usize) -> Result<Vec<u8>, AddressError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 2);
    let digit = |i: usize| -> Result<u8, AddressError> {
        let c = b.get(i).copied().unwrap_or(b'?');
        char::from(c)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or(AddressError::BadCharacter {
                ch: char::from(c),
                offset: offset + i,
                encoding: HEX,
            })
    };
    for i in (0..b.len()).step_by(2) {
        out.push(digit(i)? << 4 | digit(i + 1)?);
    }
    Ok(out)
}

// ---- cashaddr (Bitcoin Cash, spec "cashaddr.md") ----

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn polymod(values: impl Iterator<Item = u8>) -> u64 {
    const GEN: [u64; 5] = [
        0x98_f2bc_8e61,
        0x79_b76d_99e2,
        0xf3_3e5f_b3c4,
        0xae_2eab_e2a8,
        0x1e_4f43_e470,
    ];
    let mut c: u64 = 1;
    for d in values {
        let c0 = (c >> 35) as u8;
        c = ((c & 0x07_ffff_ffff) << 5) ^ u64::from(d);
        for (i, g) in GEN.iter().enumerate() {
            if c0 & (1 << i) != 0 {
                c ^= g;
            }
        }
    }
    c ^ 1
}

fn prefix_values(prefix: &str) -> impl Iterator<Item = u8> + '_ {
    prefix.bytes().map(|b| b & 0x1f).chain(std::iter::once(0))
}

fn convert_bits(data: &[u8], from: u32, to: u32, pad: bool) -> Option<Vec<u8>> {
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let maxv: u32 = (1 << to) - 1;
    let mut out = Vec::with_capacity(data.len() * from as usize / to as usize + 1);
    for &v in data {
        acc = (acc << from) | u32::from(v);
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & maxv) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if pad {
        if bits > 0 {
            out.push(((acc << (to - bits)) & maxv) as u8);
        }
    } else if bits >= from || (acc << (to - bits)) & maxv != 0 {
        return None;
    }
    Some(out)
}

/// Decodes the part after `prefix:` (already lower case); returns the version byte and hash.
pub(crate) fn cashaddr_decode(prefix: &str, payload: &str) -> Result<(u8, Vec<u8>), AddressError> {
    let mut values = Vec::with_capacity(payload.len());
    for (i, c) in payload.bytes().enumerate() {
        let v = CHARSET
            .iter()
            .position(|&x| x == c)
            .ok_or(AddressError::BadCharacter {
                ch: char::from(c),
                offset: i,
                encoding: CASHADDR,
            })?;
        values.push(v as u8);
    }
    if values.len() < 8 {
        return Err(AddressError::BadLength {
            encoding: CASHADDR,
            len: values.len(),
            expected: "a payload and an 8-character checksum",
        });
    }
    if polymod(prefix_values(prefix).chain(values.iter().copied())) != 0 {
        return Err(AddressError::BadChecksum { encoding: CASHADDR });
    }
    let data = values.get(..values.len() - 8).unwrap_or_default();
    let bytes = convert_bits(data, 5, 8, false).ok_or(AddressError::BadLength {
        encoding: CASHADDR,
        len: data.len(),
        expected: "zero padding",
    })?;
    let Some((&version, hash)) = bytes.split_first() else {
        return Err(AddressError::BadLength {
            encoding: CASHADDR,
            len: 0,
            expected: "a version byte",
        });
    };
    let size = match version & 7 {
        0 => 20,
        1 => 24,
        2 => 28,
        3 => 32,
        4 => 40,
        5 => 48,
        6 => 56,
        _ => 64,
    };
    if hash.len() != size || version & 0x80 != 0 {
        return Err(AddressError::BadLength {
            encoding: CASHADDR,
            len: hash.len(),
            expected: "the size named by the version byte",
        });
    }
    Ok((version, hash.to_vec()))
}

/// Encodes `prefix:payload` in lower case.
pub(crate) fn cashaddr_encode(prefix: &str, version: u8, hash: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(hash.len() + 1);
    bytes.push(version);
    bytes.extend_from_slice(hash);
    let data = convert_bits(&bytes, 8, 5, true).unwrap_or_default();
    let check = polymod(
        prefix_values(prefix)
            .chain(data.iter().copied())
            .chain([0u8; 8]),
    );
    let mut out = String::with_capacity(prefix.len() + 1 + data.len() + 8);
    out.push_str(prefix);
    out.push(':');
    for &d in &data {
        out.push(char::from(CHARSET[usize::from(d)]));
    }
    for i in 0..8 {
        out.push(char::from(
            CHARSET[((check >> (5 * (7 - i))) & 31) as usize],
        ));
    }
    out
}
