// swift-tools-version:5.7
// The Swift binding of crm-core over the uniffi library `crm_ffi` (the crm-ffi crate).
// Sources/ is generated: run scripts/bindings-ffi.sh --update-swift, never edit it by hand.
// Written by hand; never compiled on the project's machines (no Swift toolchain): see README.md.
import PackageDescription

let package = Package(
    name: "CrmFFI",
    products: [
        .library(name: "CrmFFI", targets: ["CrmFFI"]),
    ],
    targets: [
        // The C declarations of libcrm_ffi: the generated header and its module map.
        .systemLibrary(name: "crm_ffiFFI", path: "Sources/crm_ffiFFI"),
        // The Swift API (`import CrmFFI`). Links libcrm_ffi; say where it is with
        // `swift build -Xlinker -L<dir of libcrm_ffi>`.
        .target(
            name: "CrmFFI",
            dependencies: ["crm_ffiFFI"],
            path: "Sources/CrmFFI",
            linkerSettings: [.linkedLibrary("crm_ffi")]
        ),
    ]
)
