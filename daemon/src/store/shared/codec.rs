//! One field type, two column types: how a record field is bound and read on each backend.
//! Postgres has native uuid, timestamptz and jsonb; SQLite stores UUID text, INTEGER
//! microseconds and JSON text (see `store/sqlite/mod.rs`).

use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;
use sqlx::{Encode, Postgres, Row, Sqlite, Type};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::store::StoreError;
use crate::store::sqlite::{from_micros, parse_opt_uuid, parse_uuid, to_micros};

/// A value bound to a statement, as each backend stores it.
pub(crate) trait Param<'q> {
    type Pg: Encode<'q, Postgres> + Type<Postgres>;
    type Sqlite: Encode<'q, Sqlite> + Type<Sqlite>;
    fn pg(self) -> Self::Pg;
    fn sqlite(self) -> Self::Sqlite;
}

/// Types both backends store alike.
macro_rules! same_param {
    ($($t:ty),* $(,)?) => {$(
        impl<'q> Param<'q> for $t {
            type Pg = Self;
            type Sqlite = Self;
            fn pg(self) -> Self {
                self
            }
            fn sqlite(self) -> Self {
                self
            }
        }
    )*};
}

same_param!(
    i32,
    Option<i32>,
    i64,
    String,
    &'q str,
    &'q String,
    &'q Option<String>
);

impl<'q> Param<'q> for Uuid {
    type Pg = Uuid;
    type Sqlite = String;
    fn pg(self) -> Uuid {
        self
    }
    fn sqlite(self) -> String {
        self.to_string()
    }
}

impl<'q> Param<'q> for Option<Uuid> {
    type Pg = Option<Uuid>;
    type Sqlite = Option<String>;
    fn pg(self) -> Option<Uuid> {
        self
    }
    fn sqlite(self) -> Option<String> {
        self.map(|u| u.to_string())
    }
}

impl<'q> Param<'q> for OffsetDateTime {
    type Pg = OffsetDateTime;
    type Sqlite = i64;
    fn pg(self) -> OffsetDateTime {
        self
    }
    fn sqlite(self) -> i64 {
        to_micros(self)
    }
}

impl<'q> Param<'q> for Option<OffsetDateTime> {
    type Pg = Option<OffsetDateTime>;
    type Sqlite = Option<i64>;
    fn pg(self) -> Option<OffsetDateTime> {
        self
    }
    fn sqlite(self) -> Option<i64> {
        self.map(to_micros)
    }
}

impl<'q> Param<'q> for &'q Value {
    type Pg = Json<&'q Value>;
    type Sqlite = String;
    fn pg(self) -> Json<&'q Value> {
        Json(self)
    }
    fn sqlite(self) -> String {
        self.to_string()
    }
}

impl<'q> Param<'q> for Option<&'q Value> {
    type Pg = Option<Json<&'q Value>>;
    type Sqlite = Option<String>;
    fn pg(self) -> Option<Json<&'q Value>> {
        self.map(Json)
    }
    fn sqlite(self) -> Option<String> {
        self.map(Value::to_string)
    }
}

/// A field read from a column, as each backend stores it.
pub(crate) trait Column: Sized {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError>;
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError>;
}

/// Types both backends store alike.
macro_rules! same_column {
    ($($t:ty),* $(,)?) => {$(
        impl Column for $t {
            fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
                Ok(row.try_get(name)?)
            }
            fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
                Ok(row.try_get(name)?)
            }
        }
    )*};
}

same_column!(String, Option<String>, i32, Option<i32>, i64, bool, Vec<u8>);

impl Column for Uuid {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get(name)?)
    }
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
        parse_uuid(&row.try_get::<String, _>(name)?)
    }
}

impl Column for Option<Uuid> {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get(name)?)
    }
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
        parse_opt_uuid(row.try_get(name)?)
    }
}

impl Column for OffsetDateTime {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get(name)?)
    }
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
        from_micros(row.try_get(name)?)
    }
}

impl Column for Option<OffsetDateTime> {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get(name)?)
    }
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
        row.try_get::<Option<i64>, _>(name)?
            .map(from_micros)
            .transpose()
    }
}

impl Column for Value {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<Json<Value>, _>(name)?.0)
    }
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
        json(name, &row.try_get::<String, _>(name)?)
    }
}

impl Column for Option<Value> {
    fn from_pg(row: &PgRow, name: &str) -> Result<Self, StoreError> {
        Ok(row.try_get::<Option<Json<Value>>, _>(name)?.map(|j| j.0))
    }
    fn from_sqlite(row: &SqliteRow, name: &str) -> Result<Self, StoreError> {
        row.try_get::<Option<String>, _>(name)?
            .map(|text| json(name, &text))
            .transpose()
    }
}

fn json(column: &str, text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("stored JSON in {column}: {e}")))
}

/// A row of either backend, read field by field.
pub(crate) trait StoreRow {
    fn get<T: Column>(&self, name: &str) -> Result<T, StoreError>;
}

impl StoreRow for PgRow {
    fn get<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        T::from_pg(self, name)
    }
}

impl StoreRow for SqliteRow {
    fn get<T: Column>(&self, name: &str) -> Result<T, StoreError> {
        T::from_sqlite(self, name)
    }
}
