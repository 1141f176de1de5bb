//! Property names, as in FollowTheMoney, and what type of value each holds.
//!
//! Values are always strings. Dates are ISO 8601 with their precision and the extensions of
//! [`crate::DateValue`]; countries are lower-case ISO 3166-1 alpha-2 codes; entity references
//! (`holder`) are entity ids.

macro_rules! props {
    ($($(#[$doc:meta])* $konst:ident = $name:literal : $ty:ident;)*) => {
        $($(#[$doc])* pub const $konst: &str = $name;)*

        /// Every known property with its type, in a stable order.
        pub const ALL: &[(&str, PropType)] = &[$(($name, PropType::$ty)),*];
    };
}

/// The type of a property's values; matching and export treat each type differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PropType {
    /// A name of the entity (compared by the name matcher).
    Name,
    /// A date with precision ([`crate::DateValue`]).
    Date,
    /// An ISO 3166-1 alpha-2 country code, lower case.
    Country,
    /// An identifier (document number, registration, IMO): compared exactly after normalisation.
    Identifier,
    /// Free text.
    Text,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// The id of another entity.
    Entity,
    /// A value from a small vocabulary (gender, currency).
    Code,
}

props! {
    /// The entity's primary name(s).
    NAME = "name": Name;
    /// Strong aliases (a.k.a.).
    ALIAS = "alias": Name;
    /// Weak aliases (low-quality a.k.a., nicknames): never decisive alone.
    WEAK_ALIAS = "weakAlias": Name;
    /// Former names.
    PREVIOUS_NAME = "previousName": Name;
    /// Given name.
    FIRST_NAME = "firstName": Name;
    /// Middle name.
    MIDDLE_NAME = "middleName": Name;
    /// Family name.
    LAST_NAME = "lastName": Name;
    /// Patronymic or father's name.
    FATHER_NAME = "fatherName": Name;
    /// Title or honorific.
    TITLE = "title": Text;
    /// Position held.
    POSITION = "position": Text;
    /// Birth date.
    BIRTH_DATE = "birthDate": Date;
    /// Place of birth.
    BIRTH_PLACE = "birthPlace": Text;
    /// Death date.
    DEATH_DATE = "deathDate": Date;
    /// Nationality (country code).
    NATIONALITY = "nationality": Country;
    /// Citizenship (country code).
    CITIZENSHIP = "citizenship": Country;
    /// Country of residence, registration or link.
    COUNTRY = "country": Country;
    /// Jurisdiction of incorporation.
    JURISDICTION = "jurisdiction": Country;
    /// Gender: `male`, `female` or `other`.
    GENDER = "gender": Code;
    /// National identity numbers and other identifiers.
    ID_NUMBER = "idNumber": Identifier;
    /// Passport numbers.
    PASSPORT_NUMBER = "passportNumber": Identifier;
    /// Tax numbers.
    TAX_NUMBER = "taxNumber": Identifier;
    /// Company registration numbers.
    REGISTRATION_NUMBER = "registrationNumber": Identifier;
    /// SWIFT/BIC codes.
    SWIFT_BIC = "swiftBic": Identifier;
    /// Legal Entity Identifiers.
    LEI_CODE = "leiCode": Identifier;
    /// IMO ship or company numbers.
    IMO_NUMBER = "imoNumber": Identifier;
    /// Maritime Mobile Service Identity.
    MMSI = "mmsi": Identifier;
    /// Radio call sign.
    CALL_SIGN = "callSign": Identifier;
    /// Flag state (country code).
    FLAG = "flag": Country;
    /// Vessel or aircraft type.
    TYPE = "type": Text;
    /// Tonnage.
    TONNAGE = "tonnage": Text;
    /// Aircraft or vessel model.
    MODEL = "model": Text;
    /// Serial or registration number of an aircraft.
    SERIAL_NUMBER = "serialNumber": Identifier;
    /// Owner of a vessel or aircraft (free text as the list gives it).
    OWNER = "ownerName": Text;
    /// Postal address, one line.
    ADDRESS = "address": Text;
    /// E-mail address.
    EMAIL = "email": Email;
    /// Phone number.
    PHONE = "phone": Phone;
    /// Web site.
    WEBSITE = "website": Url;
    /// Sanctions programme(s) the entity is listed under.
    PROGRAM = "program": Code;
    /// Date the entity was listed.
    LISTING_DATE = "listingDate": Date;
    /// Date the listing was last modified.
    MODIFIED_AT = "modifiedAt": Date;
    /// Free-text notes and remarks.
    NOTES = "notes": Text;
    /// Statement of reasons.
    SUMMARY = "summary": Text;
    /// URL of the source record.
    SOURCE_URL = "sourceUrl": Url;
    /// Legal form of an organisation.
    LEGAL_FORM = "legalForm": Text;
    /// Incorporation date.
    INCORPORATION_DATE = "incorporationDate": Date;
    /// Crypto wallet: ticker or currency as the list writes it (XBT, ETH, USDT).
    CURRENCY = "currency": Code;
    /// Crypto wallet: the address.
    PUBLIC_KEY = "publicKey": Identifier;
    /// Crypto wallet: the chain slug of `cordon_address` (btc, eth, trx…).
    CHAIN = "chain": Code;
    /// Crypto wallet: the entity holding it.
    HOLDER = "holder": Entity;
    /// Related entities named in the list (free text).
    ASSOCIATE = "associate": Text;
    /// Group identifier a list uses for one designation across records (e.g. OFSI Group ID).
    GROUP_ID = "groupId": Identifier;
}

/// The type of a property, or `None` for a name Cordon does not know.
pub fn prop_type(name: &str) -> Option<PropType> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// How a `notes` value says which authority a designation comes from (the UK list's
/// "Designation source" column): `Designation source: UN` marks a transposed UN Security
/// Council designation.
pub const DESIGNATION_SOURCE_NOTE: &str = "Designation source: ";

/// How a `notes` value gives the date the UN Security Council listed a designation the Japan
/// list transposes (its "UN listing date" column).
pub const UN_LISTING_DATE_NOTE: &str = "国連制裁委員会による指定日 (UN listing date): ";

/// Property names that hold names of the entity, strongest first.
pub const NAME_PROPS: [&str; 4] = [NAME, ALIAS, PREVIOUS_NAME, WEAK_ALIAS];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (n, _) in ALL {
            assert!(seen.insert(*n), "duplicate property {n}");
        }
        assert_eq!(prop_type("birthDate"), Some(PropType::Date));
        assert_eq!(prop_type("nope"), None);
    }
}
