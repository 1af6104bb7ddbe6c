/*
 * In-browser (JavaScript/WebAssembly) mining on fake download pages.
 */

rule miner_browser_cryptojacking
{
    meta:
        severity = "high"
        family = "miner"
        description = "A JavaScript mining library (CoinHive and its clones) together with the calls or options that start it or set its CPU throttle."
        reference = "https://attack.mitre.org/techniques/T1496/"
        fixture = "miner/cryptojack.html"

    strings:
        $lib1 = "CoinHive.Anonymous" ascii wide
        $lib2 = "CoinHive.User" ascii wide
        $lib3 = "coinhive.min.js" nocase ascii wide
        $lib4 = "CRLT.Anonymous" ascii wide
        $lib5 = "cryptoloot" nocase ascii wide
        $lib6 = "authedmine" nocase ascii wide
        $lib7 = "webminepool" nocase ascii wide
        $lib8 = "CoinImp" ascii wide
        $lib9 = "deepMiner.Anonymous" ascii wide
        $lib10 = "cryptonight.wasm" nocase ascii wide
        $lib11 = "coin-hive.com" nocase ascii wide
        $lib12 = "minero.cc" nocase ascii wide

        $act1 = /\.start\s{0,4}\(\s{0,4}(CoinHive\.[A-Z_]{4,20})?\s{0,4}\)/
        $act2 = /throttle\s{0,4}:\s{0,4}0?\.[0-9]/
        $act3 = /\.setThrottle\s{0,4}\(/
        $act4 = /\.setNumThreads\s{0,4}\(/
        $act5 = /threads\s{0,4}:\s{0,4}(navigator\.hardwareConcurrency|[0-9]{1,2}\b)/
        $act6 = "getHashesPerSecond" ascii wide

    condition:
        1 of ($lib*) and 1 of ($act*)
}
