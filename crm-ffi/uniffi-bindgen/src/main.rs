//! `uniffi-bindgen generate --library <libcrm_ffi.so> --language python|kotlin|swift --out-dir …`

fn main() {
    uniffi::uniffi_bindgen_main()
}
