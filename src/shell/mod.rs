//! Shell text as the shell reads it: where a value stands (to quote it for
//! that place), and which programs a script runs (to judge its danger).

pub mod danger;
pub mod quote;
pub mod spawn;
pub mod syntax;
pub mod words;
