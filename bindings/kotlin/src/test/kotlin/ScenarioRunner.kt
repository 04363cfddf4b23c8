// Runs every scenario of tests/scenarios/*.json through the Kotlin binding.
//
// The format and its semantics are documented at the top of tests/src/scenario.rs; this runner
// mirrors the Rust one there. Every scenario runs on both storage backends: in memory
// (Crm.openInMemory, Crm.openBytes to reopen a backup) and on a file in a new temporary
// directory (Crm.open on a new file; a backup is written to another new file there and opened
// the same way), removed afterwards. Nothing here knows an operation: op `x_y` calls the method `xY`
// of `Crm` (by reflection) with the arguments converted from JSON to the parameter's declared
// type, and the result is converted back to the core's JSON form by looking at what it is
// (data class, enum, sealed class, Instant, ...). An argument that does not convert (an unknown
// enum value, say) fails the step with a validation error on the argument's name, as an argument
// that does not deserialize does in the Rust runner. `$advance_clock` calls Crm.advanceClock;
// a CRM reopened from a backup starts its clock where the previous CRM's stood
// (advanceClock(0) reads it), so time runs on as on the Rust runner's one clock.
//
// Where the generated types cannot say what the core's JSON looks like, a table says it:
// - COMPANY_SIZE: the core writes size bands as "2-10", the enum's constants are UP_TO10.
// - JSON_VARIANT_NAMES: FieldValue.DateTime is "datetime" in JSON ("date_time" in FieldKind).
// - the renames of crm-ffi/uniffi.toml (read from that file): Crm.close is closeCrm,
//   FieldValue.List is FieldValue.StringList.
// Sealed classes are internally tagged ({"type": "single_select", "options": [...]}) unless
// every variant wraps one value (FieldValue: {"text": "x"}), as serde writes them in the core.
//
// Usage: ScenarioRunnerKt <scenario dir> <crm-ffi/uniffi.toml>

import java.io.File
import java.lang.reflect.InvocationTargetException
import java.nio.file.Files
import java.time.Instant
import java.time.OffsetDateTime
import kotlin.reflect.KClass
import kotlin.reflect.KFunction
import kotlin.reflect.KParameter
import kotlin.reflect.KType
import kotlin.reflect.full.createType
import kotlin.reflect.full.instanceParameter
import kotlin.reflect.full.isSubclassOf
import kotlin.reflect.full.memberFunctions
import kotlin.reflect.full.memberProperties
import kotlin.reflect.full.primaryConstructor
import kotlin.reflect.full.superclasses
import kotlin.system.exitProcess
import uniffi.crm_ffi.CompanySize
import uniffi.crm_ffi.Crm
import uniffi.crm_ffi.CrmException
import uniffi.crm_ffi.FieldValue
import uniffi.crm_ffi.OpenOptions
import uniffi.crm_ffi.Progress
import uniffi.crm_ffi.ProgressListener
import uniffi.crm_ffi.RescuedBytes
import uniffi.crm_ffi.operations
import uniffi.crm_ffi.rescueBytes

// ---- a small JSON reader and writer (the JDK has none) ----
// Values: null, Boolean, Long, Double, String, List<Any?>, Map<String, Any?> (in order).

class JsonError(message: String) : Exception(message)

object Json {
    fun parse(text: String): Any? {
        val p = Reader(text)
        val v = p.value()
        p.ws()
        if (p.i != text.length) p.fail("trailing characters")
        return v
    }

    private class Reader(val s: String) {
        var i = 0

        fun fail(what: String): Nothing = throw JsonError("JSON: $what at offset $i")

        fun ws() {
            while (i < s.length && s[i] in " \t\r\n") i++
        }

        fun value(): Any? {
            ws()
            if (i >= s.length) fail("unexpected end")
            return when (s[i]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> str()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> num()
            }
        }

        fun word(w: String, v: Any?): Any? {
            if (!s.startsWith(w, i)) fail("unexpected character")
            i += w.length
            return v
        }

        fun obj(): Map<String, Any?> {
            val m = LinkedHashMap<String, Any?>()
            i++
            ws()
            if (i < s.length && s[i] == '}') { i++; return m }
            while (true) {
                ws()
                if (i >= s.length || s[i] != '"') fail("expected a key")
                val k = str()
                ws()
                if (i >= s.length || s[i] != ':') fail("expected ':'")
                i++
                if (m.containsKey(k)) fail("duplicate key $k")
                m[k] = value()
                ws()
                if (i >= s.length) fail("unexpected end")
                when (s[i++]) {
                    ',' -> continue
                    '}' -> return m
                    else -> { i--; fail("expected ',' or '}'") }
                }
            }
        }

        fun arr(): List<Any?> {
            val a = ArrayList<Any?>()
            i++
            ws()
            if (i < s.length && s[i] == ']') { i++; return a }
            while (true) {
                a.add(value())
                ws()
                if (i >= s.length) fail("unexpected end")
                when (s[i++]) {
                    ',' -> continue
                    ']' -> return a
                    else -> { i--; fail("expected ',' or ']'") }
                }
            }
        }

        fun str(): String {
            val b = StringBuilder()
            i++
            while (true) {
                if (i >= s.length) fail("unterminated string")
                val c = s[i++]
                when {
                    c == '"' -> return b.toString()
                    c == '\\' -> {
                        if (i >= s.length) fail("unterminated escape")
                        when (val e = s[i++]) {
                            '"', '\\', '/' -> b.append(e)
                            'b' -> b.append('\b')
                            'f' -> b.append('\u000c')
                            'n' -> b.append('\n')
                            'r' -> b.append('\r')
                            't' -> b.append('\t')
                            'u' -> {
                                if (i + 4 > s.length) fail("bad \\u escape")
                                b.append(s.substring(i, i + 4).toIntOrNull(16)?.toChar() ?: fail("bad \\u escape"))
                                i += 4
                            }
                            else -> fail("bad escape")
                        }
                    }
                    c < ' ' -> fail("control character in string")
                    else -> b.append(c)
                }
            }
        }

        fun num(): Any {
            val m = Regex("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?").matchAt(s, i) ?: fail("bad value")
            i += m.value.length
            return if (m.groupValues[2].isEmpty() && m.groupValues[3].isEmpty()) {
                m.value.toLongOrNull() ?: fail("integer out of range")
            } else {
                m.value.toDouble()
            }
        }
    }

    fun show(v: Any?): String = StringBuilder().also { write(it, v) }.toString()

    private fun write(b: StringBuilder, v: Any?) {
        when (v) {
            null -> b.append("null")
            is Boolean, is Long, is Double -> b.append(v.toString())
            is String -> {
                b.append('"')
                for (c in v) {
                    when {
                        c == '"' -> b.append("\\\"")
                        c == '\\' -> b.append("\\\\")
                        c == '\n' -> b.append("\\n")
                        c < ' ' -> b.append(String.format("\\u%04x", c.code))
                        else -> b.append(c)
                    }
                }
                b.append('"')
            }
            is List<*> -> {
                b.append('[')
                v.forEachIndexed { n, x -> if (n > 0) b.append(", "); write(b, x) }
                b.append(']')
            }
            is Map<*, *> -> {
                b.append('{')
                var first = true
                for ((k, x) in v) {
                    if (!first) b.append(", ")
                    first = false
                    write(b, k.toString())
                    b.append(": ")
                    write(b, x)
                }
                b.append('}')
            }
            else -> throw JsonError("not a JSON value: $v (${v::class})")
        }
    }
}

// ---- names ----

class ScenarioError(message: String) : Exception(message)

/** An argument whose JSON does not convert to its parameter's type (an unknown enum value, a
 *  missing or unknown field, ...). As in the Rust runner, where such an argument does not
 *  deserialize, the step fails with a validation error on the argument's name. */
class Unparsed(val field: String, message: String) : Exception("$field: $message")

fun fail(message: String): Nothing = throw ScenarioError(message)

/** `relation_type` -> `relationType` (uniffi's Kotlin names). */
fun camel(snake: String): String =
    snake.split('_').mapIndexed { n, w -> if (n == 0) w else w.replaceFirstChar { it.uppercase() } }.joinToString("")

/** `relationType` -> `relation_type`, `NotFound` -> `not_found`. */
fun snake(camel: String): String =
    camel.replace(Regex("(?<=[a-z0-9])(?=[A-Z])"), "_").lowercase()

/** The `[bindings.kotlin.rename]` table of crm-ffi/uniffi.toml. */
fun readRenames(file: File): Map<String, String> {
    val renames = LinkedHashMap<String, String>()
    var inTable = false
    val entry = Regex("^\"([A-Za-z0-9_.]+)\"\\s*=\\s*\"([A-Za-z0-9_]+)\"\\s*(#.*)?$")
    for (raw in file.readLines()) {
        val line = raw.trim()
        if (line.startsWith("[")) {
            inTable = line == "[bindings.kotlin.rename]"
            continue
        }
        if (!inTable || line.isEmpty() || line.startsWith("#")) continue
        val m = entry.matchEntire(line) ?: fail("${file.path}: cannot read the rename line: $line")
        renames[m.groupValues[1]] = m.groupValues[2]
    }
    return renames
}

val COMPANY_SIZE = mapOf(
    "ONE" to "1", "UP_TO10" to "2-10", "UP_TO50" to "11-50", "UP_TO200" to "51-200",
    "UP_TO500" to "201-500", "UP_TO1000" to "501-1000", "UP_TO5000" to "1001-5000",
    "UP_TO10000" to "5001-10000", "OVER10000" to "10001+",
)
val ENUM_TABLES: Map<KClass<*>, Map<String, String>> = mapOf(CompanySize::class to COMPANY_SIZE)
val JSON_VARIANT_NAMES: Map<Pair<KClass<*>, String>, String> = mapOf((FieldValue::class to "DateTime") to "datetime")

class Names(val renames: Map<String, String>) {
    /** The Kotlin name of the `Crm` method for the operation `op`. */
    fun method(op: String): String = camel(renames["Crm.$op"] ?: op)

    /** The JSON name of a sealed class's variant. */
    fun variant(sealed: KClass<*>, variant: KClass<*>): String {
        val kotlinName = variant.simpleName!!
        JSON_VARIANT_NAMES[sealed to kotlinName]?.let { return it }
        val prefix = "${sealed.simpleName}."
        val rustName = renames.entries.firstOrNull { (k, v) -> k.startsWith(prefix) && v == kotlinName }
            ?.key?.removePrefix(prefix) ?: kotlinName
        return snake(rustName)
    }

    fun enumConstant(e: Enum<*>): String = ENUM_TABLES[e::class]?.get(e.name) ?: e.name.lowercase()
}

// ---- what a generated type is ----

fun isTupleVariant(cls: KClass<*>): Boolean {
    val params = cls.primaryConstructor?.parameters ?: return false
    return params.isNotEmpty() && params.withIndex().all { (n, p) -> p.name == "v${n + 1}" }
}

fun externallyTagged(sealed: KClass<*>): Boolean = sealed.sealedSubclasses.all(::isTupleVariant)

// ---- JSON -> binding ----

val RFC3339 = Regex("^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$")

fun instant(v: Any?): Instant? {
    if (v !is String || !RFC3339.matches(v)) return null
    return OffsetDateTime.parse(v.replace(' ', 'T').replace('t', 'T').replace('z', 'Z')).toInstant()
}

class ToBinding(val names: Names) {
    fun convert(type: KType, v: Any?, where: String): Any? {
        if (v == null) {
            if (type.isMarkedNullable) return null
            fail("$where: null for the non-optional $type")
        }
        val cls = type.classifier as? KClass<*> ?: fail("$where: no conversion to $type")
        fun expected(what: String): Nothing = fail("$where: expected $what, got ${Json.show(v)}")
        fun integer(min: Long, max: Long): Long =
            (v as? Long)?.takeIf { it in min..max } ?: expected("an integer in $min..$max")
        return when {
            cls == String::class -> v as? String ?: expected("a string")
            cls == Boolean::class -> v as? Boolean ?: expected("a boolean")
            cls == Long::class -> integer(Long.MIN_VALUE, Long.MAX_VALUE)
            cls == Int::class -> integer(Int.MIN_VALUE.toLong(), Int.MAX_VALUE.toLong()).toInt()
            cls == Short::class -> integer(Short.MIN_VALUE.toLong(), Short.MAX_VALUE.toLong()).toShort()
            cls == Byte::class -> integer(Byte.MIN_VALUE.toLong(), Byte.MAX_VALUE.toLong()).toByte()
            cls == ULong::class -> integer(0, Long.MAX_VALUE).toULong()
            cls == UInt::class -> integer(0, UInt.MAX_VALUE.toLong()).toUInt()
            cls == UShort::class -> integer(0, UShort.MAX_VALUE.toLong()).toUShort()
            cls == UByte::class -> integer(0, UByte.MAX_VALUE.toLong()).toUByte()
            cls == Double::class -> (v as? Double) ?: (v as? Long)?.toDouble() ?: expected("a number")
            cls == Instant::class -> instant(v) ?: expected("an RFC 3339 instant")
            cls == List::class -> {
                val item = type.arguments[0].type!!
                (v as? List<*> ?: expected("an array")).mapIndexed { n, x -> convert(item, x, "$where[$n]") }
            }
            cls == Map::class -> {
                val item = type.arguments[1].type!!
                (v as? Map<*, *> ?: expected("an object")).entries.associate { (k, x) ->
                    k as String to convert(item, x, "$where.$k")
                }
            }
            cls.isSubclassOf(Enum::class) -> cls.java.enumConstants.firstOrNull { names.enumConstant(it as Enum<*>) == v }
                ?: fail("$where: ${Json.show(v)} is not a ${cls.simpleName}")
            cls.isSealed -> tagged(cls, v, where)
            cls.isData -> record(cls, v as? Map<*, *> ?: expected("an object (${cls.simpleName})"), where)
            else -> fail("$where: no conversion to $type")
        }
    }

    /** Calls the primary constructor with the object's keys as named arguments. A key it lacks
     *  is an error; an absent key takes the default, or null when the type is optional. */
    fun record(cls: KClass<*>, v: Map<*, *>, where: String): Any {
        val ctor = cls.primaryConstructor ?: fail("$where: ${cls.simpleName} has no constructor")
        return invoke(ctor, ctor.parameters, v, where, "${cls.simpleName}")
    }

    fun invoke(fn: KFunction<*>, params: List<KParameter>, v: Map<*, *>, where: String, what: String, fixed: Map<KParameter, Any?> = emptyMap()): Any {
        val byJson = params.filter { it.kind == KParameter.Kind.VALUE }.associateBy { snake(it.name!!) }
        val unknown = v.keys.map { it as String }.filter { it !in byJson }
        if (unknown.isNotEmpty()) fail("$where: $what has no field $unknown")
        val args = HashMap<KParameter, Any?>(fixed)
        for ((key, p) in byJson) {
            if (p in args) continue
            when {
                v.containsKey(key) && where.isEmpty() -> args[p] = try {
                    convert(p.type, v[key], key) // an argument of an operation
                } catch (e: ScenarioError) {
                    throw Unparsed(key, e.message!!)
                }
                v.containsKey(key) -> args[p] = convert(p.type, v[key], "$where.$key")
                p.isOptional -> {}
                p.type.isMarkedNullable -> args[p] = null
                where.isEmpty() -> throw Unparsed(key, "$what needs the argument $key")
                else -> fail("$where: $what needs $key")
            }
        }
        return try {
            fn.callBy(args)
        } catch (e: InvocationTargetException) {
            throw e.targetException
        } ?: Unit
    }

    fun tagged(sealed: KClass<*>, v: Any, where: String): Any {
        val variants = sealed.sealedSubclasses
        if (externallyTagged(sealed)) {
            val m = v as? Map<*, *>
            if (m == null || m.size != 1) fail("$where: expected a ${sealed.simpleName}, got ${Json.show(v)}")
            val (tag, payload) = m.entries.first()
            val variant = variants.firstOrNull { names.variant(sealed, it) == tag }
                ?: fail("$where: ${Json.show(tag)} is not a ${sealed.simpleName}")
            val ctor = variant.primaryConstructor!!
            return ctor.call(convert(ctor.parameters[0].type, payload, "$where.$tag"))!!
        }
        val m = v as? Map<*, *>
        if (m == null || m["type"] !is String) fail("$where: expected a ${sealed.simpleName}, got ${Json.show(v)}")
        val variant = variants.firstOrNull { names.variant(sealed, it) == m["type"] }
            ?: fail("$where: ${Json.show(m["type"])} is not a ${sealed.simpleName}")
        val rest = m.filterKeys { it != "type" }
        variant.objectInstance?.let {
            if (rest.isNotEmpty()) fail("$where: ${m["type"]} has no fields")
            return it
        }
        return record(variant, rest, where)
    }
}

// ---- binding -> JSON ----

class ToJson(val names: Names) {
    fun convert(v: Any?): Any? = when (v) {
        null, is String, is Boolean, is Long, is Double -> v
        Unit -> null
        is Int -> v.toLong()
        is Short -> v.toLong()
        is Byte -> v.toLong()
        is UInt -> v.toLong()
        is UShort -> v.toLong()
        is UByte -> v.toLong()
        is ULong -> if (v <= Long.MAX_VALUE.toULong()) v.toLong() else fail("$v does not fit a JSON integer here")
        is Float -> v.toDouble()
        is Instant -> v.toString()
        is ByteArray -> mapOf("bytes" to v.size.toLong())
        is List<*> -> v.map(::convert)
        is Map<*, *> -> v.entries.associate { (k, x) -> k.toString() to convert(x) }
        is Enum<*> -> names.enumConstant(v)
        else -> composite(v)
    }

    private fun fields(cls: KClass<*>, v: Any): Map<String, Any?> {
        val props = cls.memberProperties.associateBy { it.name }
        return cls.primaryConstructor!!.parameters.associate { p ->
            snake(p.name!!) to convert(props.getValue(p.name!!).getter.call(v))
        }
    }

    private fun composite(v: Any): Any? {
        val cls = v::class
        val sealed = cls.superclasses.firstOrNull { it.isSealed }
        if (sealed != null) {
            val name = names.variant(sealed, cls)
            if (isTupleVariant(cls)) return mapOf(name to fields(cls, v).values.single())
            if (cls.objectInstance != null) return mapOf("type" to name)
            return linkedMapOf<String, Any?>("type" to name) + fields(cls, v)
        }
        if (cls.isData) return fields(cls, v)
        fail("no JSON form for $v (${cls.qualifiedName})")
    }
}

// ---- the scenario semantics (mirrors tests/src/scenario.rs) ----

fun resolve(v: Any?, saved: Map<String, Any?>): Any? = when {
    v is String && v.startsWith("$") -> {
        val parts = v.substring(1).split('.')
        if (!saved.containsKey(parts[0])) fail("nothing saved as \"${parts[0]}\"")
        var cur = saved[parts[0]]
        for (p in parts.drop(1)) {
            cur = when (cur) {
                is Map<*, *> -> if (cur.containsKey(p)) cur[p] else fail("$v does not resolve")
                is List<*> -> p.toIntOrNull()?.let { cur.getOrNull(it) } ?: fail("$v does not resolve")
                else -> fail("$v does not resolve")
            }
        }
        cur
    }
    v is List<*> -> v.map { resolve(it, saved) }
    v is Map<*, *> -> v.entries.associate { (k, x) -> k to resolve(x, saved) }
    else -> v
}

fun matches(expected: Any?, actual: Any?, path: String) {
    fun mismatch(): Nothing = fail("$path: expected ${Json.show(expected)}, got ${Json.show(actual)}")
    when {
        expected is Map<*, *> && expected.size == 1 && expected.containsKey("\$len") -> {
            val n = expected["\$len"] as? Long
            if (actual !is List<*> || n == null || actual.size.toLong() != n) mismatch()
        }
        expected is Map<*, *> && actual is Map<*, *> ->
            for ((k, ev) in expected) matches(ev, actual[k], "$path.$k")
        expected is List<*> && actual is List<*> -> {
            if (expected.size != actual.size) {
                fail("$path: expected ${expected.size} items, got ${actual.size}: ${Json.show(actual)}")
            }
            expected.indices.forEach { matches(expected[it], actual[it], "$path[$it]") }
        }
        instant(expected) != null && instant(actual) != null -> if (instant(expected) != instant(actual)) mismatch()
        expected != actual -> mismatch() // Long, Double, Boolean and String never equal each other
    }
}

/** `null`: never cancels; `{"cancel_at": n}`: cancels once `done >= n`. */
class ScenarioProgress(spec: Any?) : ProgressListener {
    private val cancelAt: Long? = (spec as? Map<*, *>)?.get("cancel_at") as? Long

    override fun onProgress(progress: Progress): Boolean = cancelAt == null || progress.done < cancelAt.toULong()
}

val DEFAULT_OPEN: Map<String, Any?> = mapOf("now" to "2026-11-22T09:00:00Z", "step_millis" to 1000L, "phone_region" to "PL")

/** A path in `dir` where no file is yet (`stem.crm`, `stem-2.crm`, ...). */
fun newFile(dir: File, stem: String): File =
    generateSequence(1) { it + 1 }.map { n -> File(dir, if (n == 1) "$stem.crm" else "$stem-$n.crm") }.first { !it.exists() }

/** Opens the scenario's CRM in memory, or on a new file in `dir` when one is given; from a
 *  backup's bytes when given (on a file: written to a new file, which is opened). A CRM reopened
 *  from a backup gets the instant the clock stood at (`now`) as its clock's start, so that time
 *  runs on as on the Rust runner's one clock. */
fun openCrm(spec: Map<*, *>, dir: File?, backup: ByteArray? = null, now: Instant? = null): Crm {
    val options = openOptions(spec, now)
    try {
        return when {
            dir == null && backup == null -> Crm.openInMemory(options)
            dir == null -> Crm.openBytes(backup!!, options)
            backup == null -> Crm.open(newFile(dir, "scenario").path, options)
            else -> Crm.open(newFile(dir, "reopened").also { it.writeBytes(backup) }.path, options)
        }
    } catch (e: CrmException) {
        fail("the CRM does not open: ${e::class.simpleName}(${e.message})")
    }
}

/** The scenario's options: its clock (from `now` when given), sequential ids, its phone region. */
fun openOptions(spec: Map<*, *>, now: Instant? = null): OpenOptions {
    val o = DEFAULT_OPEN + spec.entries.associate { (k, v) -> k as String to v }
    return OpenOptions(
        clockStart = now ?: instant(o["now"]) ?: fail("open.now is not an instant"),
        clockStepMillis = (o["step_millis"] as? Long ?: fail("open.step_millis is not an integer")).toULong(),
        sequentialIds = true,
        defaultPhoneRegion = o["phone_region"] as String?,
    )
}

/** `$rescue`'s damage: the first byte of each text's first occurrence XORed with 0x01. */
fun damage(backup: ByteArray, texts: List<*>): ByteArray {
    val out = backup.copyOf()
    for (t in texts) {
        val needle = (t as? String ?: fail("damage holds a non-text")).toByteArray(Charsets.UTF_8)
        val at = (0..out.size - needle.size).firstOrNull { i -> needle.indices.all { out[i + it] == needle[it] } }
            ?: fail("${Json.show(t)} is not in the backup")
        out[at] = (out[at].toInt() xor 1).toByte()
    }
    return out
}

/** `{"op": "$advance_clock", "args": {"millis": n}}`: time passes; no result. */
fun advanceClock(crm: Crm, step: Map<*, *>) {
    if (listOf("expect", "error", "save").any { step.containsKey(it) }) fail("takes no expect, error or save")
    val millis = (step["args"] as? Map<*, *>)?.get("millis") as? Long
    if (millis == null || millis < 0) fail("args.millis must be a whole, non-negative number")
    crm.advanceClock(millis.toULong())
}

class Runner(val names: Names) {
    val ops = operations().toSet()
    val toBinding = ToBinding(names)
    val toJson = ToJson(names)

    fun method(op: String): KFunction<*>? = Crm::class.memberFunctions.firstOrNull { it.name == names.method(op) }

    fun call(crm: Crm, op: String, args: Map<*, *>): Any {
        if (op !in ops) fail("\"$op\" is not an operation")
        val fn = method(op) ?: fail("Crm has no method ${names.method(op)}")
        val params = fn.parameters
        val fixed = HashMap<KParameter, Any?>()
        fixed[fn.instanceParameter!!] = crm
        params.firstOrNull { it.name == "progress" }?.let { fixed[it] = ScenarioProgress(args["progress"]) }
        return toBinding.invoke(fn, params, args, "", op, fixed)
    }

    /** Runs a scenario in memory, or on files in `dir` when one is given; throws ScenarioError
     *  naming the backend and the step that failed. Returns the steps run. */
    fun run(scenario: Map<*, *>, dir: File? = null): Int {
        val backend = if (dir == null) "memory" else "file in $dir"
        try {
            return runSteps(scenario, dir)
        } catch (e: ScenarioError) {
            throw ScenarioError("on $backend: ${e.message}")
        } catch (e: CrmException) {
            throw ScenarioError("on $backend: ${e::class.simpleName}(${e.message})")
        }
    }

    private fun runSteps(scenario: Map<*, *>, dir: File?): Int {
        val spec = scenario["open"] as? Map<*, *> ?: emptyMap<String, Any?>()
        var crm = openCrm(spec, dir)
        val saved = HashMap<String, Any?>()
        val backups = HashMap<String, ByteArray>()
        var tx: Crm? = null // the handle of `$begin`, while its transaction is open
        val steps = scenario["steps"] as? List<*> ?: fail("no steps")
        for ((i, s) in steps.withIndex()) {
            val step = s as Map<*, *>
            val op = step["op"] as String
            try {
                if (op == "\$advance_clock") {
                    advanceClock(crm, step)
                    continue
                }
                if (op == "\$begin") {
                    if (tx != null) fail("a transaction is already open")
                    tx = crm.begin()
                    continue
                }
                if (op == "\$reopen_from_backup") {
                    if (tx != null) fail("a transaction is open")
                    val name = (step["args"] as? Map<*, *>)?.get("backup")
                    val old = crm
                    crm = openCrm(spec, dir, backups[name] ?: fail("no backup saved as ${Json.show(name)}"), crm.advanceClock(0uL))
                    old.destroy() // dropped without closeCrm, as the Rust runner drops it
                    continue
                }
                val args = resolve(step["args"] ?: emptyMap<String, Any?>(), saved) as Map<*, *>
                val expectedError = step["error"] as Map<*, *>?
                var rescued: RescuedBytes? = null
                val result = try {
                    if (op == "\$rescue") {
                        // The rescue's clock starts where the CRM's stands and leaves it there.
                        if (tx != null) fail("a transaction is open")
                        val name = args["backup"]
                        val source = backups[name] ?: fail("no backup saved as ${Json.show(name)}")
                        val damaged = damage(source, args["damage"] as? List<*> ?: emptyList<Any>())
                        val r = rescueBytes(damaged, openOptions(spec, crm.advanceClock(0uL)))
                        rescued = r
                        r.report
                    } else if (op == "\$commit" || op == "\$rollback") {
                        val ending = tx ?: fail("no transaction is open")
                        tx = null
                        try {
                            if (op == "\$commit") ending.commit() else ending.rollback()
                        } finally {
                            ending.destroy()
                        }
                    } else {
                        // In a transaction every call goes to its handle (whose verify, compact
                        // and closeCrm run on the CRM).
                        call(tx ?: crm, op, args)
                    }
                } catch (e: Exception) {
                    if (e !is CrmException && e !is Unparsed) throw e
                    if (expectedError == null) fail("failed: ${e::class.simpleName}(${e.message})")
                    val code = if (e is Unparsed) "validation" else snake(e::class.simpleName!!)
                    val field = if (e is Unparsed) e.field else e::class.memberProperties.firstOrNull { it.name == "field" }?.getter?.call(e) as String?
                    val wantField = expectedError["field"] as String?
                    if (code != expectedError["code"] || (wantField != null && field != wantField)) {
                        fail("expected error ${expectedError["code"]}/$wantField, got $code/$field: ${e.message}")
                    }
                    continue
                }
                val value = toJson.convert(result)
                if (expectedError != null) fail("expected error ${expectedError["code"]} but got ${Json.show(value)}")
                val save = step["save"] as String?
                if (result is ByteArray && save != null) backups[save] = result
                if (step.containsKey("expect")) matches(resolve(step["expect"], saved), value, "result")
                if (save != null) saved[save] = value
                rescued?.let { r ->
                    val old = crm
                    crm = openCrm(spec, dir, r.bytes, crm.advanceClock(0uL))
                    old.destroy()
                }
            } catch (e: ScenarioError) {
                throw ScenarioError("step $i ($op): ${e.message}")
            }
        }
        if (tx != null) fail("the steps ended with a transaction open")
        try {
            crm.closeCrm() // harmless when a step closed it
        } catch (e: CrmException) {
            fail("closing at the end: ${e::class.simpleName}(${e.message})")
        } finally {
            crm.destroy()
        }
        return steps.size
    }
}

fun main(args: Array<String>) {
    if (args.size != 2) {
        System.err.println("usage: ScenarioRunnerKt <tests/scenarios> <crm-ffi/uniffi.toml>")
        exitProcess(2)
    }
    val files = File(args[0]).listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name } ?: emptyList()
    val runner = Runner(Names(readRenames(File(args[1]))))
    var passed = 0
    val failures = ArrayList<String>()
    fun check(name: String, body: () -> String) {
        try {
            val note = body()
            passed++
            println("PASS $name$note")
        } catch (e: Throwable) {
            val why = if (e is ScenarioError || e is JsonError) e.message else e.toString()
            failures += "$name: $why"
            println("FAIL $name: $why")
        }
    }
    val scenarios = files.associate { it.name to it }
    check("there are scenarios") { if (files.isEmpty()) fail("no scenario files in ${args[0]}") else "" }
    for ((name, file) in scenarios) {
        check("scenario $name in memory") { " (${runner.run(Json.parse(file.readText()) as Map<*, *>)} steps)" }
        check("scenario $name on a file") {
            val dir = Files.createTempDirectory("crm-scenario-").toFile()
            try {
                " (${runner.run(Json.parse(file.readText()) as Map<*, *>, dir)} steps)"
            } finally {
                dir.deleteRecursively()
            }
        }
    }
    check("every operation is a method of Crm") {
        if (runner.ops.isEmpty()) fail("operations() is empty")
        val missing = runner.ops.filter { runner.method(it) == null }
        if (missing.isNotEmpty()) fail("operations without a method on Crm: $missing")
        ""
    }
    check("every operation appears in a scenario") {
        val used = scenarios.values.flatMap { f ->
            ((Json.parse(f.readText()) as Map<*, *>)["steps"] as List<*>).map { (it as Map<*, *>)["op"] }
        }.toSet()
        val unused = runner.ops.filter { it !in used }.sorted()
        if (unused.isNotEmpty()) fail("operations no scenario runs: $unused")
        ""
    }
    check("each error class maps to a core error code") {
        val codes = CrmException::class.sealedSubclasses.map { snake(it.simpleName!!) }.toSet()
        val core = setOf("not_found", "validation", "conflict", "closed", "storage", "corrupt", "io", "version", "cancelled")
        if (codes != core) fail("error codes $codes, the core's are $core")
        ""
    }
    check("the renames name generated declarations") {
        val n = runner.names
        for ((from, to) in n.renames) {
            val (owner, member) = from.split('.', limit = 2).let { it[0] to it.getOrNull(1) }
            val ok = when {
                owner == "Crm" && member != null -> runner.method(member) != null
                owner == "FieldValue" && member != null -> FieldValue::class.sealedSubclasses.any { it.simpleName == to }
                else -> false
            }
            if (!ok) fail("the rename $from = $to matches nothing generated")
        }
        ""
    }
    check("the JSON forms round trip") {
        val b = runner.toBinding
        val j = runner.toJson
        val t = { c: KClass<*> -> c.createType() }
        val cases: List<Pair<KClass<*>, Any?>> = listOf(
            CompanySize::class to "10001+",
            uniffi.crm_ffi.RelationshipKind::class to "former_customer",
            uniffi.crm_ffi.FieldKind::class to mapOf("type" to "single_select", "options" to listOf("a", "b")),
            uniffi.crm_ffi.FieldKind::class to mapOf("type" to "date_time"),
            uniffi.crm_ffi.FieldKind::class to mapOf("type" to "money", "currency" to null),
            FieldValue::class to mapOf("datetime" to "2026-11-20T15:30:00Z"),
            FieldValue::class to mapOf("list" to listOf("a")),
            FieldValue::class to mapOf("money" to mapOf("amount_minor" to 1L, "currency" to "PLN")),
            uniffi.crm_ffi.SearchQuery::class to mapOf("text" to "x", "kinds" to listOf("company"), "limit" to 3L),
            uniffi.crm_ffi.LeadSource::class to "web_form",
            uniffi.crm_ffi.StageKind::class to "won",
            uniffi.crm_ffi.Discount::class to mapOf("type" to "percent", "basis_points" to 1000L),
            uniffi.crm_ffi.Discount::class to mapOf("type" to "amount", "amount" to mapOf("amount_minor" to 500L, "currency" to "EUR")),
            uniffi.crm_ffi.ContactChoice::class to mapOf("type" to "match_by_email"),
            uniffi.crm_ffi.ContactChoice::class to mapOf("type" to "existing", "contact" to "contact_01"),
            uniffi.crm_ffi.CompanyChoice::class to mapOf("type" to "skip"),
            uniffi.crm_ffi.LineItemInput::class to mapOf(
                "product" to null, "description" to "Hours", "quantity" to "1.5",
                "unit_price" to null, "discount" to null, "tax_rate" to 2300L,
            ),
            uniffi.crm_ffi.ExchangeRate::class to mapOf("date" to "2026-11-02", "base" to "EUR", "quote" to "PLN", "rate" to "4.2650"),
        )
        for ((cls, json) in cases) {
            val back = j.convert(b.convert(t(cls), json, "case"))
            if (back != json) fail("${Json.show(json)} came back as ${Json.show(back)}")
        }
        for ((cls, json) in listOf(
            uniffi.crm_ffi.FieldKind::class to mapOf("type" to "nope"),
            uniffi.crm_ffi.Email::class to mapOf("address" to "a@b.pl", "typo" to 1L),
            uniffi.crm_ffi.SearchQuery::class to mapOf("text" to "x", "limit" to true),
            uniffi.crm_ffi.SearchQuery::class to mapOf("text" to "x", "limit" to -1L),
            uniffi.crm_ffi.Discount::class to mapOf("type" to "percent"),
            uniffi.crm_ffi.StageKind::class to "maybe",
            uniffi.crm_ffi.LeadInput::class to mapOf("score" to 256L),
        )) {
            try {
                b.convert(t(cls), json, "case")
                fail("${Json.show(json)} converted to a ${cls.simpleName}")
            } catch (e: ScenarioError) {
                if (e.message!!.contains("converted to")) throw e
            }
        }
        ""
    }
    check("the matcher can fail") {
        matches(mapOf("a" to listOf(1L, mapOf("\$len" to 2L))), mapOf("a" to listOf(1L, listOf(0L, 0L)), "b" to 3L), "r")
        matches("2026-11-22T10:00:00+01:00", "2026-11-22T09:00:00Z", "r")
        for ((e, a) in listOf<Pair<Any?, Any?>>(
            mapOf("a" to 1L) to mapOf("a" to 2L), mapOf("a" to null) to mapOf("a" to 0L),
            listOf(1L) to listOf(1L, 2L), mapOf("\$len" to 1L) to emptyList<Any?>(), true to 1L, 1L to 1.0,
            "2026-11-22T09:00:01Z" to "2026-11-22T09:00:00Z", "1988-02-29" to "1988-02-28",
        )) {
            val failed = try { matches(e, a, "r"); false } catch (_: ScenarioError) { true }
            if (!failed) fail("${Json.show(e)} matched ${Json.show(a)}")
        }
        ""
    }
    println()
    failures.forEach { println("FAILED $it") }
    println("kotlin-scenarios: $passed passed, ${failures.size} failed")
    exitProcess(if (failures.isEmpty()) 0 else 1)
}
