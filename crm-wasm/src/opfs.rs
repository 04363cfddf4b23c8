//! A redb storage backend over a file of the Origin Private File System, through a
//! synchronous access handle (available in dedicated workers only).

use std::io;

use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions,
    FileSystemReadWriteOptions, FileSystemSyncAccessHandle, WorkerGlobalScope,
};

/// The file, held by its synchronous access handle, which locks it for this worker.
#[derive(Debug)]
pub(crate) struct OpfsBackend {
    handle: SendWrapper<FileSystemSyncAccessHandle>,
}

fn io_error(what: &str, e: JsValue) -> io::Error {
    let detail = e.as_string().or_else(|| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
    });
    io::Error::other(format!(
        "{what}: {}",
        detail.unwrap_or_else(|| "unknown error".into())
    ))
}

fn storage_error(e: JsValue) -> JsValue {
    let err = js_sys::Error::new(&format!(
        "storage failure: the Origin Private File System could not be opened ({})",
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default()
    ));
    err.set_name("CrmError");
    let _ = js_sys::Reflect::set(&err, &"code".into(), &"storage".into());
    err.into()
}

impl OpfsBackend {
    /// Opens (creating it if needed) the file `name` at the root of the origin's private file
    /// system; with `replace`, its content becomes those bytes first.
    pub(crate) async fn open(name: &str, replace: Option<&[u8]>) -> Result<OpfsBackend, JsValue> {
        let scope: WorkerGlobalScope = js_sys::global().dyn_into().map_err(|_| {
            storage_error(
                js_sys::Error::new("synchronous file access exists only in a dedicated worker")
                    .into(),
            )
        })?;
        let root: FileSystemDirectoryHandle =
            JsFuture::from(scope.navigator().storage().get_directory())
                .await
                .map_err(storage_error)?
                .unchecked_into();
        let options = FileSystemGetFileOptions::new();
        options.set_create(true);
        let file: FileSystemFileHandle =
            JsFuture::from(root.get_file_handle_with_options(name, &options))
                .await
                .map_err(storage_error)?
                .unchecked_into();
        let handle: FileSystemSyncAccessHandle = JsFuture::from(file.create_sync_access_handle())
            .await
            .map_err(storage_error)?
            .unchecked_into();
        let backend = OpfsBackend {
            handle: SendWrapper::new(handle),
        };
        if let Some(bytes) = replace {
            use redb::StorageBackend;
            let replaced = backend
                .set_len(0)
                .and_then(|_| backend.write(0, bytes))
                .and_then(|_| backend.sync_data());
            if let Err(e) = replaced {
                let _ = backend.close();
                return Err(storage_error(js_sys::Error::new(&e.to_string()).into()));
            }
        }
        Ok(backend)
    }
}

fn at(offset: u64) -> FileSystemReadWriteOptions {
    let o = FileSystemReadWriteOptions::new();
    o.set_at(offset as f64);
    o
}

impl redb::StorageBackend for OpfsBackend {
    fn len(&self) -> Result<u64, io::Error> {
        Ok(self.handle.get_size().map_err(|e| io_error("size", e))? as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        let n = self
            .handle
            .read_with_u8_array_and_options(out, &at(offset))
            .map_err(|e| io_error("read", e))? as usize;
        if n == out.len() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "read past the end of the file",
            ))
        }
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.handle
            .truncate_with_f64(len as f64)
            .map_err(|e| io_error("truncate", e))
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.handle.flush().map_err(|e| io_error("flush", e))
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        let mut done = 0usize;
        while done < data.len() {
            let n = self
                .handle
                .write_with_u8_array_and_options(&data[done..], &at(offset + done as u64))
                .map_err(|e| io_error("write", e))? as usize;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the file accepted no bytes",
                ));
            }
            done += n;
        }
        Ok(())
    }

    fn close(&self) -> Result<(), io::Error> {
        self.handle.close();
        Ok(())
    }
}
