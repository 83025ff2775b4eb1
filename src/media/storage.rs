//! Where media files live: one interface ([`MediaStore`]) over a local directory or an
//! S3-compatible bucket, both spoken by the `object_store` crate.
//!
//! Files are named by their content (`<sha256>.<ext>`, variants `<sha256>-<width>w.<ext>`), so a
//! put of the same name always carries the same bytes and may be repeated safely.

use crate::config::{MediaStorage, S3Storage};
use anyhow::Context;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// The store of media files, cheap to clone.
#[derive(Debug, Clone)]
pub struct MediaStore {
    inner: Arc<dyn ObjectStore>,
}

impl MediaStore {
    /// The store `storage` names; a local directory is created when missing.
    pub fn open(storage: &MediaStorage) -> anyhow::Result<Self> {
        let inner: Arc<dyn ObjectStore> = match storage {
            MediaStorage::Directory(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the media directory {}", dir.display()))?;
                Arc::new(
                    LocalFileSystem::new_with_prefix(dir).with_context(|| {
                        format!("opening the media directory {}", dir.display())
                    })?,
                )
            }
            MediaStorage::S3(s3) => Arc::new(s3_store(s3)?),
        };
        Ok(Self { inner })
    }

    /// Stores `bytes` as `name` (replacing a file of that name, which holds the same bytes).
    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.inner
            .put(&Path::from(name), PutPayload::from(bytes))
            .await
            .with_context(|| format!("storing media file {name}"))?;
        Ok(())
    }

    /// The bytes of `name`, `None` when there is no such file.
    pub async fn get(&self, name: &str) -> anyhow::Result<Option<Bytes>> {
        let found = match self.inner.get(&Path::from(name)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error).with_context(|| format!("reading media file {name}")),
        };
        let bytes = found
            .bytes()
            .await
            .with_context(|| format!("reading media file {name}"))?;
        Ok(Some(bytes))
    }

    /// Removes `name`; a file already gone is no error.
    pub async fn delete(&self, name: &str) -> anyhow::Result<()> {
        match self.inner.delete(&Path::from(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error).with_context(|| format!("removing media file {name}")),
        }
    }
}

/// The S3-compatible bucket `s3` names, addressed path-style (what local S3-compatible servers
/// expect), plain HTTP allowed only when the endpoint says `http://`.
fn s3_store(s3: &S3Storage) -> anyhow::Result<object_store::aws::AmazonS3> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_access_key_id(&s3.access_key_id)
        .with_secret_access_key(&s3.secret_access_key)
        .with_virtual_hosted_style_request(false);
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_endpoint(endpoint);
    }
    builder
        .build()
        .with_context(|| format!("configuring the S3 bucket {}", s3.bucket))
}
