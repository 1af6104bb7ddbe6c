"""What a clean fixture may be blamed for. Fixtures named after a vendor (ZoomInstaller.exe,
zoom.pkg) are not signed by that vendor, and the signature check rightly says so; nothing
else about a clean sample may be at medium or above."""

# Findings about the signature alone: each makes an honest sample `suspicious`.
SIGNATURE_ONLY = {"sign.claims-vendor-unsigned", "sign.wrong-publisher"}


def assert_clean(test, code, rep):
    ids = {f["id"] for f in rep["findings"]}
    test.assertFalse({i for i in ids if i.startswith("yara.") or i == "unpack.corrupt"}, rep["findings"])
    strong = {f["id"] for f in rep["findings"] if f["severity"] not in ("info", "low")}
    test.assertLessEqual(strong, SIGNATURE_ONLY, rep["findings"])
    if strong:
        test.assertEqual((code, rep["verdict"]), (1, "suspicious"))
    else:
        test.assertEqual((code, rep["verdict"]), (0, "unknown"))
