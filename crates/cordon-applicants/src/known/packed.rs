//! One known account's linkage keys and compared fields packed into one allocation.
//!
//! A million known accounts each hold dozens of identifier values (every login's IP and /24,
//! devices, e-mails …). As `Vec<(u16, KeyValue)>` each value costs a 40-byte slot plus its own
//! heap string; packed, it costs its bytes and three or four more. Only the few accounts a new
//! applicant could link to are unpacked, once per call.
//!
//! Layout: four fields (`varint(len + 1)` then the bytes, `0` for none), `varint(keys)`, then
//! per key its kind (`u16`, little-endian), a tag (0 exact, 1 bits, 2 text, 3 signature) and
//! `varint(len)` + bytes (exact, text), eight bytes (bits) or `varint(n)` + `n` eight-byte
//! words (signature).

use cordon_er::KeyValue;

use crate::linking::Prepared;

const EXACT: u8 = 0;
const BITS: u8 = 1;
const TEXT: u8 = 2;
const SIGNATURE: u8 = 3;

/// Packs `prepared` into one boxed byte string ([`unpack`] reads it back).
pub(super) fn pack((keys, fields): &Prepared) -> Box<[u8]> {
    let mut out = Vec::new();
    for f in fields {
        match f {
            Some(v) => {
                put_varint(&mut out, v.len() as u64 + 1);
                out.extend_from_slice(v);
            }
            None => put_varint(&mut out, 0),
        }
    }
    put_varint(&mut out, keys.len() as u64);
    for (kind, value) in keys {
        out.extend_from_slice(&kind.to_le_bytes());
        match value {
            KeyValue::Exact(s) => {
                out.push(EXACT);
                put_bytes(&mut out, s.as_bytes());
            }
            KeyValue::Bits(b) => {
                out.push(BITS);
                out.extend_from_slice(&b.to_le_bytes());
            }
            KeyValue::Text(t) => {
                out.push(TEXT);
                put_bytes(&mut out, t);
            }
            KeyValue::Signature(sig) => {
                out.push(SIGNATURE);
                put_varint(&mut out, sig.len() as u64);
                for x in sig {
                    out.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
    }
    out.into_boxed_slice()
}

/// Reads back what [`pack`] wrote; `None` if `bytes` is not such a packing.
pub(super) fn unpack(bytes: &[u8]) -> Option<Prepared> {
    let mut r = Reader(bytes);
    let mut fields: [Option<Vec<u8>>; 4] = Default::default();
    for f in &mut fields {
        let len = r.varint()?;
        if len > 0 {
            *f = Some(r.take(usize::try_from(len - 1).ok()?)?.to_vec());
        }
    }
    let n = usize::try_from(r.varint()?).ok()?;
    // Each key takes at least four bytes: a corrupt count cannot reserve much.
    let mut keys = Vec::with_capacity(n.min(r.0.len() / 4));
    for _ in 0..n {
        let kind = u16::from_le_bytes(r.take(2)?.try_into().ok()?);
        let value = match *r.take(1)?.first()? {
            EXACT => KeyValue::Exact(String::from_utf8(r.bytes()?.to_vec()).ok()?),
            BITS => KeyValue::Bits(u64::from_le_bytes(r.take(8)?.try_into().ok()?)),
            TEXT => KeyValue::Text(r.bytes()?.to_vec()),
            SIGNATURE => {
                let n = usize::try_from(r.varint()?).ok()?;
                let words = r.take(n.checked_mul(8)?)?;
                KeyValue::Signature(
                    words
                        .chunks_exact(8)
                        .map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
                        .collect(),
                )
            }
            _ => return None,
        };
        keys.push((kind, value));
    }
    r.0.is_empty().then_some((keys, fields))
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// The unread rest of a packing.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.take(1)?.first()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key_value() -> impl Strategy<Value = KeyValue> {
        prop_oneof![
            ".{0,40}".prop_map(KeyValue::Exact),
            any::<u64>().prop_map(KeyValue::Bits),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(KeyValue::Text),
            proptest::collection::vec(any::<u64>(), 0..70)
                .prop_map(|s| KeyValue::Signature(s.into_boxed_slice())),
        ]
    }

    fn prepared() -> impl Strategy<Value = Prepared> {
        let field = proptest::option::of(proptest::collection::vec(any::<u8>(), 0..200));
        (
            proptest::collection::vec((any::<u16>(), key_value()), 0..60),
            [field.clone(), field.clone(), field.clone(), field],
        )
    }

    proptest! {
        #[test]
        fn packing_round_trips(p in prepared()) {
            prop_assert_eq!(unpack(&pack(&p)), Some(p));
        }

        #[test]
        fn unpacking_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = unpack(&bytes);
        }

        #[test]
        fn a_cut_packing_is_refused(p in prepared(), cut in 1usize..8) {
            let packed = pack(&p);
            let short = packed.get(..packed.len().saturating_sub(cut)).unwrap_or_default();
            prop_assert_eq!(unpack(short), None);
        }
    }
}
