//! Spec vectors (BIP-173, BIP-350, EIP-55, Base58Check, cashaddr, Monero) and property tests.

use proptest::prelude::*;

use crate::address::encode;
use crate::*;

fn ok(s: &str) -> Address {
    match parse(s) {
        Ok(a) => a,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn code(s: &str) -> &'static str {
    match parse(s) {
        Ok(a) => panic!("{s} parsed as {a:?}"),
        Err(e) => e.code(),
    }
}

#[test]
fn bip173_vectors() {
    let a = ok("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4");
    assert_eq!(a.kind(), Kind::P2wpkh);
    assert_eq!(a.encoding(), Encoding::Bech32);
    assert_eq!(
        codec::hex_lower(a.identity().get(2..).unwrap()),
        "751e76e8199196d454941c45d1b3a323f1433bd6"
    );
    let t = ok("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7");
    assert_eq!((t.kind(), t.network()), (Kind::P2wsh, Network::Testnet));
    assert_eq!(
        code("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty"),
        "unknown-prefix"
    );
    assert_eq!(
        code("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"),
        "bad-checksum"
    );
    assert_eq!(
        code("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2"),
        "bad-witness"
    );
    // BIP-173 lists this as a bad program length; under BIP-350 version 3 needs a bech32m
    // checksum, so it fails on the checksum first. BIP-350's own vector for the length:
    assert_eq!(code("bc1rw5uspcuh"), "bad-checksum");
    assert_eq!(code("bc1pw5dgrnzv"), "bad-witness");
    assert_eq!(
        code("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7"),
        "mixed-case"
    );
}

#[test]
fn bip350_vectors() {
    let tr = ok("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");
    assert_eq!((tr.kind(), tr.encoding()), (Kind::P2tr, Encoding::Bech32m));
    let v1 = ok("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y");
    assert_eq!(v1.kind(), Kind::WitnessUnknown);
    // Version 1 with a bech32 (not bech32m) checksum must be rejected.
    assert_eq!(
        code("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd"),
        "bad-checksum"
    );
    // Version 0 with a bech32m checksum likewise.
    assert_eq!(
        code("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"),
        "bad-checksum"
    );
    let ltc = ok("ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea");
    assert_eq!(ltc.chains(), [Chain::Ltc]);
}

#[test]
fn eip55_vectors() {
    for s in [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ] {
        let a = ok(s);
        assert_eq!(a.checksum(), Checksum::Verified, "{s}");
        assert_eq!(a.display_form(), s);
        assert_eq!(a.canonical(), s.to_ascii_lowercase());
    }
    for s in [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0xde709f2102306220921060314715629080e2fb77",
    ] {
        assert_eq!(ok(s).checksum(), Checksum::Uncased, "{s}");
    }
    let err = parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").unwrap_err();
    assert_eq!(
        err,
        AddressError::BadEip55 {
            expected: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".into()
        }
    );
    assert_eq!(
        code("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA"),
        "bad-length"
    );
    assert_eq!(
        code("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"),
        "bad-character"
    );
    assert_eq!(
        code("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        "missing-0x"
    );
}

#[test]
fn base58check_vectors() {
    let a = ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2");
    assert_eq!(a.kind(), Kind::P2pkh);
    assert_eq!(a.chains(), [Chain::Btc, Chain::Bch, Chain::Bsv]);
    assert_eq!(a.identity().len(), 21);
    let p2sh = ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
    assert!(p2sh.chains().contains(&Chain::Ltc));
    assert_eq!(code("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"), "bad-checksum");
    // Case matters in base58: the lower-cased form is a different (invalid) string.
    assert_eq!(code("1bvbmseystwetqtfn5au4m4gfg7xjanvn2"), "bad-checksum");
    assert_eq!(code("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNV0N"), "bad-character");
    let tron = ok("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
    assert_eq!(
        (tron.chains(), tron.kind()),
        ([Chain::Trx].as_slice(), Kind::TronAccount)
    );
    assert_eq!(code("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T"), "bad-checksum");
}

#[test]
fn cashaddr_spec_vectors() {
    // Translations from the cashaddr specification: legacy and cashaddr share an identity.
    for (legacy, cash) in [
        (
            "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
            "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        ),
        (
            "1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR",
            "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
        ),
        (
            "16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb",
            "bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r",
        ),
        (
            "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC",
            "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq",
        ),
    ] {
        let l = ok(legacy);
        let c = ok(cash);
        assert_eq!(l.key(), c.key(), "{legacy} = {cash}");
        assert_eq!(c.canonical(), cash);
        assert_eq!(c.chains(), [Chain::Bch]);
        // Without the prefix, and upper case, it is the same address.
        let bare = cash.trim_start_matches("bitcoincash:");
        assert_eq!(ok(bare).canonical(), cash);
        assert_eq!(ok(&cash.to_ascii_uppercase()).canonical(), cash);
    }
    let p2sh = ok("bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq");
    assert_eq!(p2sh.kind(), Kind::P2sh);
    assert_eq!(
        code("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6c"),
        "bad-checksum"
    );
    assert_eq!(
        code("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdX6a"),
        "mixed-case"
    );
    assert_eq!(
        code("bchtest:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
        "bad-checksum"
    );
    assert_eq!(
        code("foo:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
        "unknown-prefix"
    );
}

#[test]
fn monero_addresses() {
    // The Monero General Fund donation address, and a real one from the OFAC list.
    for s in [
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
        "49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL",
    ] {
        let a = ok(s);
        assert_eq!(
            (a.chains(), a.kind()),
            ([Chain::Xmr].as_slice(), Kind::MoneroStandard)
        );
        assert_eq!(a.canonical(), s);
        assert!(a.key().is_hashed());
    }
    assert_eq!(
        code(
            "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3B"
        ),
        "bad-checksum"
    );
    // OFAC lists this 64-hex string under XMR: it is not an address.
    assert_eq!(
        code("5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"),
        "looks-like-hash"
    );
}

#[test]
fn xrp_solana_and_others() {
    let x = ok("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh");
    assert_eq!(x.chains(), [Chain::Xrp]);
    assert_eq!(code("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi"), "bad-checksum");
    let sol = ok("11111111111111111111111111111111");
    assert_eq!(
        (sol.chains(), sol.checksum()),
        ([Chain::Sol].as_slice(), Checksum::None)
    );
    let sol = ok("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    assert_eq!(sol.kind(), Kind::SolanaAccount);
    let doge = ok("DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L");
    assert_eq!(doge.chains(), [Chain::Doge, Chain::Xvg]);
    let zec = ok("t1Hsc1LR8yKnbbe3twRp88p6vFfC5t7DLbs");
    assert_eq!(
        (zec.chains(), zec.kind()),
        ([Chain::Zec].as_slice(), Kind::P2pkh)
    );
    let ltc = ok("LM2WMpR1Rp6j3Sa59cMXMs1SPzj9eXpGc1");
    assert_eq!(ltc.chains(), [Chain::Ltc]);
    let dash = ok("XpESxaUmonkq8RaLLp46Brx2K39ggQe226");
    assert_eq!(dash.chains(), [Chain::Dash]);
}

#[test]
fn eip55_detects_digit_typos() {
    // A changed hex digit keeps the old case pattern, which the new hash rejects unless every
    // letter happens to agree: about 2^-letters. Over many addresses nearly all are caught.
    let mut caught = 0;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for n in 0..2000 {
        let mut bytes = [0u8; 20];
        for b in &mut bytes {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *b = (state >> 56) as u8;
        }
        let s = encode::evm(&bytes);
        let i = 2 + n % 40;
        let mut b = s.clone().into_bytes();
        let lower = b[i].to_ascii_lowercase();
        let next = HEXL[(HEXL.iter().position(|&c| c == lower).unwrap() + 1) % 16];
        b[i] = if b[i].is_ascii_uppercase() {
            next.to_ascii_uppercase()
        } else {
            next
        };
        let typo = String::from_utf8(b).unwrap();
        if parse(&typo).is_err() {
            caught += 1;
        }
    }
    assert!(caught > 1950, "only {caught} of 2000 typos caught");
}

#[test]
fn tron_address_starting_like_a_testnet_hrp_regression() {
    // OFAC lists this Tron address; "TB1" looked like the start of a tb1 bech32 address.
    let a = ok("TB1Bcv3x8mg7PVV4nVM48pgHJKcYboTypU");
    assert_eq!(a.chains(), [Chain::Trx]);
    assert_eq!(
        code("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsq"),
        "bad-checksum"
    );
}

#[test]
fn bnb_beacon_and_omni_usdt() {
    let a = ok("bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23");
    assert_eq!(
        (a.chains(), a.kind()),
        ([Chain::Bnb].as_slice(), Kind::BnbAccount)
    );
    assert_eq!(
        code("bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf24"),
        "bad-checksum"
    );
    assert_eq!(
        Chain::from_ticker("BNB", "bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23"),
        Some(Chain::Bnb)
    );
    assert_eq!(
        Chain::from_ticker("BNB", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"),
        Some(Chain::Bsc)
    );
    assert_eq!(
        Chain::from_ticker("USDT", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        Some(Chain::Btc)
    );
    assert_eq!(Chain::from_ticker("USDT", "bogus"), None);
}

#[test]
fn truncated_monero_is_a_length_error() {
    assert_eq!(
        code("49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZ"),
        "bad-length"
    );
}

#[test]
fn parse_on_checks_the_chain() {
    let eth = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
    assert_eq!(parse_on(Chain::Bsc, eth).unwrap().chains(), [Chain::Bsc]);
    let e = parse_on(Chain::Btc, eth).unwrap_err();
    assert_eq!(e.code(), "wrong-chain");
    assert!(e.to_string().contains("not a btc address"), "{e}");
    assert_eq!(
        parse_on(Chain::Trx, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
            .unwrap()
            .wallet_id(),
        "wallet-trx-TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    assert_eq!(code(""), "empty");
    assert_eq!(code("   \t"), "empty");
    assert_eq!(code(&"1".repeat(10_000)), "too-long");
    assert_eq!(code(&"я".repeat(5_000)), "non-ascii");
    // A Cyrillic 'а' in an EVM address: reported as a look-alike with its offset.
    let e = parse("0x5аAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").unwrap_err();
    assert_eq!(
        e,
        AddressError::NonAscii {
            ch: 'а',
            offset: 3,
            looks_like: Some('a')
        }
    );
    assert!(e.to_string().contains("look-alike"), "{e}");
    assert_eq!(code("1BvBMSEYst WetqTFn5Au4m4GFg7xJaNVN2"), "bad-character");
    assert_eq!(code("hello"), "unknown-format");
    assert_eq!(code("0x"), "bad-length");
    assert_eq!(code(":"), "unknown-prefix");
    assert_eq!(code("bc1"), "unknown-format");
}

#[test]
fn whitespace_is_trimmed_regression_tornado_trailing_space() {
    // The GraphSense Tornado Cash pack has an address with a trailing space.
    let a = ok("0x8589427373D6D84E98730D7795D8f6f8731FDA16 ");
    assert_eq!(a.canonical(), "0x8589427373d6d84e98730d7795d8f6f8731fda16");
}

#[test]
fn canonical_keeps_existing_ids() {
    let eth = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96";
    assert_eq!(
        wallet_id(Chain::Eth, eth),
        "wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"
    );
    assert_eq!(
        canonical(Chain::Bch, "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
    );
    // Invalid strings still get a stable form.
    assert_eq!(canonical(Chain::Eth, " 0xABC "), "0xabc");
    assert_eq!(
        canonical(Chain::Btc, "1bvbmseystwetqtfn5au4m4gfg7xjanvn2"),
        "1bvbmseystwetqtfn5au4m4gfg7xjanvn2"
    );
}

/// Changes the character at `pos` to another character of the same alphabet.
fn mutate(s: &str, pos: usize, alphabet: &[u8], step: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = pos % b.len();
    let cur = alphabet.iter().position(|&c| c == b[i]).unwrap_or(0);
    b[i] = alphabet[(cur + 1 + step % (alphabet.len() - 1)) % alphabet.len()];
    String::from_utf8(b).unwrap()
}

const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const XRP58: &[u8] = b"rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";
const BECH: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const HEXL: &[u8] = b"0123456789abcdef";

/// Regression (the property below, which counted the `0x` prefix's `x` as lower case): an
/// EIP-55 form with a single lower-case letter, flipped to all upper case, is a valid
/// single-case address, not a checksum error.
#[test]
fn case_flip_to_all_upper_case_is_a_valid_unchecksummed_address() {
    let bytes = [
        3u8, 113, 134, 128, 0, 116, 109, 55, 154, 16, 142, 148, 48, 6, 152, 113, 76, 20, 54, 67,
    ];
    let s = encode::evm(&bytes);
    let lower: Vec<usize> = s
        .char_indices()
        .skip(2)
        .filter(|(_, c)| c.is_ascii_lowercase())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(lower.len(), 1, "{s}");
    let upper = format!("0x{}", s[2..].to_ascii_uppercase());
    let a = parse(&upper).unwrap();
    assert_eq!(a.key(), parse(&s).unwrap().key());
}

proptest! {
    #[test]
    fn base58check_round_trip_and_typo(hash in any::<[u8; 20]>(), v in 0usize..VERSIONS_FOR_TEST.len(), pos in 1usize..40, step in 0usize..100) {
        let version = VERSIONS_FOR_TEST[v];
        let s = encode::base58check(version, &hash);
        let a = parse(&s).unwrap();
        prop_assert_eq!(a.canonical(), s.as_str());
        prop_assert_eq!(a.identity().get(version.len()..).unwrap(), hash.as_slice());
        // Skip the version characters so the mutation hits payload or checksum.
        let p = 1 + pos % (s.len() - 1);
        let typo = mutate(&s, p, B58, step);
        prop_assert!(parse(&typo).is_err(), "{} -> {} accepted", s, typo);
    }

    #[test]
    fn xrp_round_trip_and_typo(hash in any::<[u8; 20]>(), pos in 1usize..40, step in 0usize..100) {
        let s = encode::xrp(&hash);
        let a = parse(&s).unwrap();
        prop_assert_eq!(a.chains(), [Chain::Xrp].as_slice());
        prop_assert_eq!(a.canonical(), s.as_str());
        let typo = mutate(&s, 1 + pos % (s.len() - 1), XRP58, step);
        prop_assert!(parse_on(Chain::Xrp, &typo).is_err(), "{} -> {} accepted", s, typo);
    }

    #[test]
    fn evm_round_trip_and_case_flip(bytes in any::<[u8; 20]>(), pos in 0usize..40) {
        let s = encode::evm(&bytes);
        let a = parse(&s).unwrap();
        prop_assert_eq!(a.identity(), bytes.as_slice());
        prop_assert_eq!(a.display_form(), s.clone());
        prop_assert_eq!(parse(&s.to_ascii_lowercase()).unwrap().key(), a.key());
        // Flipping the case of one letter breaks EIP-55 as soon as the result is mixed case.
        let letters: Vec<usize> = s.char_indices().skip(2).filter(|(_, c)| c.is_ascii_alphabetic()).map(|(i, _)| i).collect();
        if letters.len() >= 2 {
            let i = letters[pos % letters.len()];
            let mut b = s.clone().into_bytes();
            b[i] ^= 0x20;
            let flipped = String::from_utf8(b).unwrap();
            // The `0x` prefix is not part of the case test: a flip that leaves every hex letter
            // upper case is a valid single-case address.
            let body = flipped.get(2..).unwrap();
            let mixed = body.bytes().any(|c| c.is_ascii_lowercase()) && body.bytes().any(|c| c.is_ascii_uppercase());
            prop_assume!(mixed);
            prop_assert_eq!(parse(&flipped).map_err(|e| e.code()).err(), Some("bad-checksum"));
        }
    }

    #[test]
    fn cashaddr_round_trip_and_typo(hash in any::<[u8; 20]>(), p2sh in any::<bool>(), pos in 12usize..54, step in 0usize..100) {
        let s = encode::cashaddr(p2sh, &hash);
        let a = parse(&s).unwrap();
        prop_assert_eq!(a.canonical(), s.as_str());
        prop_assert_eq!(a.kind(), if p2sh { Kind::P2sh } else { Kind::P2pkh });
        let typo = mutate(&s, pos % s.len().max(13), BECH, step);
        prop_assert_eq!(parse(&typo).map_err(|e| e.code()).err(), Some("bad-checksum"));
    }

    #[test]
    fn segwit_round_trip_and_typo(program in any::<[u8; 32]>(), v1 in any::<bool>(), pos in 4usize..62, step in 0usize..100) {
        let (version, prog) = if v1 { (1, &program[..]) } else { (0, &program[..20]) };
        let s = encode::segwit(version, prog);
        let a = parse(&s).unwrap();
        prop_assert_eq!(a.identity().get(2..).unwrap(), prog);
        prop_assert_eq!(parse(&s.to_ascii_uppercase()).unwrap().key(), a.key());
        let typo = mutate(&s, 4 + pos % (s.len() - 4), BECH, step);
        prop_assert_eq!(parse(&typo).map_err(|e| e.code()).err(), Some("bad-checksum"));
    }

    #[test]
    fn monero_round_trip_and_typo(keys in any::<[u8; 64]>(), sub in any::<bool>(), pos in 2usize..95, step in 0usize..100) {
        let s = encode::monero(if sub { 42 } else { 18 }, &keys);
        let a = parse(&s).unwrap();
        prop_assert_eq!(a.canonical(), s.as_str());
        prop_assert_eq!(a.identity().get(1..).unwrap(), keys.as_slice());
        let typo = mutate(&s, 2 + pos % (s.len() - 2), B58, step);
        prop_assert!(parse(&typo).is_err(), "{} -> {} accepted", s, typo);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_address_like(s in "(0x|bc1|bitcoincash:|T|r|4|q)?[0-9A-Za-z]{0,110}") {
        if let Ok(a) = parse(&s) {
            // Whatever parses is stable under re-parsing its canonical form.
            prop_assert_eq!(parse(a.canonical()).unwrap().key(), a.key());
        }
    }
}

const VERSIONS_FOR_TEST: [&[u8]; 10] = [
    &[0x00],
    &[0x05],
    &[0x30],
    &[0x1e],
    &[0x4c],
    &[0x10],
    &[0x26],
    &[0x41],
    &[0x1c, 0xb8],
    &[0x1c, 0xbd],
];

#[test]
fn kind_names_match_their_json() {
    for s in [
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    ] {
        let k = ok(s).kind();
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str(), "{s}");
    }
}
