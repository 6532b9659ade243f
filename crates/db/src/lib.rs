pub mod usrloc;
