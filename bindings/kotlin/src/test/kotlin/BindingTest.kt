// Tests of the Kotlin binding itself: typed errors, nullability and defaults, Instant dates,
// close and lifecycle, threads, progress callbacks. Business rules are the scenarios' job
// (ScenarioRunner.kt). A plain `main` (no test framework on these machines): each test runs,
// failures are reported with their reason, and the exit code is non-zero when any failed.

import java.nio.file.Files
import java.time.Instant
import java.time.OffsetDateTime
import java.util.Collections
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import uniffi.crm_ffi.ActivityInput
import uniffi.crm_ffi.ActivityKind
import uniffi.crm_ffi.Archived
import uniffi.crm_ffi.ClosingQuery
import uniffi.crm_ffi.CompanyInput
import uniffi.crm_ffi.ContactFilter
import uniffi.crm_ffi.ContactInput
import uniffi.crm_ffi.ContactQuery
import uniffi.crm_ffi.Crm
import uniffi.crm_ffi.CrmException
import uniffi.crm_ffi.DealFilter
import uniffi.crm_ffi.DealInput
import uniffi.crm_ffi.DealMove
import uniffi.crm_ffi.DealQuery
import uniffi.crm_ffi.Email
import uniffi.crm_ffi.FieldDef
import uniffi.crm_ffi.FieldKind
import uniffi.crm_ffi.FieldValue
import uniffi.crm_ffi.ForecastQuery
import uniffi.crm_ffi.ImportData
import uniffi.crm_ffi.InternalException
import uniffi.crm_ffi.LeadConversion
import uniffi.crm_ffi.LeadInput
import uniffi.crm_ffi.LeadQuery
import uniffi.crm_ffi.LineItemInput
import uniffi.crm_ffi.Money
import uniffi.crm_ffi.OpenOptions
import uniffi.crm_ffi.ParticipantInput
import uniffi.crm_ffi.ParticipantStatus
import uniffi.crm_ffi.Progress
import uniffi.crm_ffi.ProgressListener
import uniffi.crm_ffi.RecordKind
import uniffi.crm_ffi.TimelineEntryKind
import uniffi.crm_ffi.TimelineQuery

class CheckFailed(message: String) : Exception(message)

fun ensure(ok: Boolean, what: () -> String) {
    if (!ok) throw CheckFailed(what())
}

fun <T> checkEq(expected: T, actual: T, what: String) =
    ensure(expected == actual) { "$what: expected <$expected>, got <$actual>" }

inline fun <reified E : Throwable> raises(what: String, body: () -> Unit): E {
    try {
        body()
    } catch (e: Throwable) {
        if (e is E) return e
        throw CheckFailed("$what: expected ${E::class.simpleName}, got $e")
    }
    throw CheckFailed("$what: expected ${E::class.simpleName}, nothing was thrown")
}

val START: Instant = Instant.parse("2026-11-22T09:00:00Z")

fun testCrm(): Crm = Crm.openInMemory(OpenOptions(clockStart = START, clockStepMillis = 1000uL, sequentialIds = true))

fun Crm.countAll(): ULong = countContacts(ContactFilter(archived = Archived.INCLUDE))

class Answer(private val answer: Boolean) : ProgressListener {
    val seen: MutableList<Progress> = Collections.synchronizedList(ArrayList())

    override fun onProgress(progress: Progress): Boolean {
        seen += progress
        return answer
    }
}

class Throwing : ProgressListener {
    override fun onProgress(progress: Progress): Boolean = throw IllegalStateException("the listener failed")
}

val TESTS: List<Pair<String, () -> Unit>> = listOf(
    // ---- typed errors ----
    "a validation error names the field and the reason" to {
        testCrm().use { crm ->
            val e = raises<CrmException.Validation>("bad email") {
                crm.createContact(ContactInput(givenName = "A", emails = listOf(Email(address = "not an email"))))
            }
            checkEq("emails[0].address", e.field, "field")
            ensure(e.reason.isNotBlank()) { "empty reason" }
            ensure(e.message!!.contains("emails[0].address")) { "the message does not say the field: ${e.message}" }
        }
    },
    "a conflict names the existing record" to {
        testCrm().use { crm ->
            val first = crm.createContact(ContactInput(givenName = "A", emails = listOf(Email(address = "a@firma.pl"))))
            val e = raises<CrmException.Conflict>("duplicate email") {
                crm.createContact(ContactInput(givenName = "B", emails = listOf(Email(address = "A@FIRMA.PL"))))
            }
            checkEq("emails[0].address", e.field, "field")
            checkEq(first.id, e.existing, "existing")
            ensure(e.reason.isNotBlank()) { "empty reason" }
        }
    },
    "not found names the kind and the id" to {
        testCrm().use { crm ->
            val missing = "contact_00000000000000000000000000"
            val e = raises<CrmException.NotFound>("get") { crm.getContact(missing) }
            checkEq("contact" to missing, e.kind to e.id, "kind and id")
        }
    },
    "an invalid id string is a validation error naming the kind, and says which mistake" to {
        testCrm().use { crm ->
            for (bad in listOf("nope", "company_00000000000000000000000000", "")) {
                val e = raises<CrmException.Validation>("getContact(\"$bad\")") { crm.getContact(bad) }
                checkEq("contact", e.field, "field for \"$bad\"")
                val expected = if (bad.startsWith("company_")) "is the id of a company, where the id of a contact is expected"
                    else "is not a well-formed contact id"
                ensure(e.reason.contains(expected)) { "reason for \"$bad\": ${e.reason}" }
            }
        }
    },
    "the error classes are subclasses of CrmException; InternalException is not" to {
        val kinds = CrmException::class.sealedSubclasses.map { it.simpleName }.toSet()
        checkEq(setOf("NotFound", "Validation", "Conflict", "Closed", "Storage", "Corrupt", "Io", "Version", "Cancelled"), kinds, "variants")
        ensure(!CrmException::class.java.isAssignableFrom(InternalException::class.java)) { "InternalException is a CrmException" }
    },

    // ---- activities: the binding's own input records and converted outputs ----
    "activity inputs take the core's defaults; the timeline's entries convert" to {
        testCrm().use { crm ->
            val ana = crm.createContact(ContactInput(givenName = "Ana", emails = listOf(Email(address = "ana@firma.ro"))))
            val start = START.plusSeconds(86_400)
            val a = crm.createActivity(ActivityInput(
                subject = "Spotkanie",
                startsAt = start,
                participants = listOf(ParticipantInput(contact = ana.id)),
                links = listOf(ana.id),
            ))
            checkEq(ActivityKind.NOTE, a.kind, "kind")
            checkEq(ParticipantStatus.NEEDS_ACTION, a.participants[0].status, "participant status")
            checkEq(start, a.startsAt, "start")
            val page = crm.timeline(TimelineQuery(record = ana.id))
            checkEq(listOf(TimelineEntryKind.ACTIVITY, TimelineEntryKind.CREATED), page.items.map { it.kind }, "kinds")
            checkEq(a.id, page.items[0].activity?.id, "activity")
            val e = raises<CrmException.Validation>("end before start") {
                crm.createActivity(ActivityInput(subject = "x", startsAt = start, endsAt = start.minusSeconds(60)))
            }
            checkEq("ends_at", e.field, "field")
        }
    },

    // ---- nullability and defaults ----
    "omitted arguments take their defaults" to {
        testCrm().use { crm ->
            val c = crm.createContact(ContactInput(givenName = "Ana"))
            ensure(c.familyName == null && c.birthday == null && c.archivedAt == null) { "unset optionals are not null: $c" }
            ensure(c.emails.isEmpty() && c.tags.isEmpty() && c.customFields.isEmpty()) { "lists and maps are not empty: $c" }
            val e = Email(address = "a@b.pl")
            ensure(e.label == null && !e.primary) { "Email defaults: $e" }
            val q = ContactQuery()
            ensure(q.limit == 50u && q.cursor == null && q.sort.by == null && q.filter.archived == null) { "ContactQuery defaults: $q" }
        }
    },
    "null round trips and clears" to {
        testCrm().use { crm ->
            val c = crm.createContact(ContactInput(givenName = "Ana", familyName = "Popa", jobTitle = "CFO"))
            checkEq("Popa" to "CFO", c.familyName to c.jobTitle, "set")
            val u = crm.updateContact(c.id, ContactInput(givenName = "Ana", familyName = null))
            ensure(u.familyName == null && u.jobTitle == null) { "not cleared: $u" }
            checkEq(null, crm.getContact(c.id).familyName, "read back")
            checkEq(null, crm.findContactByEmail("nobody@x.pl"), "findContactByEmail")
            val company = crm.createCompany(CompanyInput(name = "Firma", size = null, parent = null))
            ensure(company.size == null && company.parent == null) { "company optionals: $company" }
            checkEq(1uL, Crm.openBytes(crm.backup(null), null).countContacts(ContactFilter()), "backup(null)")
            checkEq(1uL, Crm.openBytes(crm.backup()).countContacts(ContactFilter()), "backup()")
            val damaged = raises<CrmException.Corrupt>("bytes that are not a database") {
                Crm.openBytes("not a database".toByteArray())
            }
            checkEq(null, damaged.record, "a damaged file names no record")
        }
    },

    // ---- dates ----
    "birthdays are YYYY-MM-DD strings" to {
        testCrm().use { crm ->
            val c = crm.createContact(ContactInput(givenName = "Ana", birthday = "1988-02-29"))
            checkEq("1988-02-29", c.birthday, "birthday")
            checkEq("1988-02-29", crm.getContact(c.id).birthday, "read back")
            raises<CrmException.Validation>("1989-02-29") { crm.createContact(ContactInput(givenName = "B", birthday = "1989-02-29")) }
            raises<CrmException.Validation>("29.02.1988") { crm.createContact(ContactInput(givenName = "B", birthday = "29.02.1988")) }
            checkEq(1uL, crm.countAll(), "contacts")
        }
    },
    "instants are java.time.Instant" to {
        testCrm().use { crm ->
            // A new CRM's default pipeline took the clock's first reading.
            checkEq(START, crm.defaultPipeline().createdAt, "the default pipeline's createdAt")
            val c = crm.createContact(ContactInput(givenName = "Ana"))
            checkEq(START.plusSeconds(1), c.createdAt, "createdAt")
            val archived = crm.archiveContact(c.id).archivedAt
            checkEq(START.plusSeconds(2), archived, "archivedAt")
            crm.defineField(FieldDef(recordKind = RecordKind.CONTACT, key = "call", label = "Call", kind = FieldKind.DateTime))
            val bucharest = OffsetDateTime.parse("2026-11-20T17:30:00.123456+02:00").toInstant()
            val u = crm.updateContact(c.id, ContactInput(givenName = "Ana", customFields = mapOf("call" to FieldValue.DateTime(bucharest))))
            val got = (u.customFields["call"] as FieldValue.DateTime).v1
            checkEq(Instant.parse("2026-11-20T15:30:00.123456Z"), got, "a microsecond instant")
            val before = Crm.openInMemory(OpenOptions(clockStart = Instant.parse("1969-07-20T20:17:40Z")))
            checkEq(Instant.parse("1969-07-20T20:17:40Z"), before.createContact(ContactInput(givenName = "Neil")).createdAt, "before 1970")
        }
    },

    // ---- the new ids, currencies and decimals ----
    "a bad sales id is a validation error naming its kind" to {
        testCrm().use { crm ->
            val calls: List<Triple<String, String, (String) -> Unit>> = listOf(
                Triple("getLead", "lead", { id -> crm.getLead(id) }),
                Triple("getDeal", "deal", { id -> crm.getDeal(id) }),
                Triple("getPipeline", "pipeline", { id -> crm.getPipeline(id) }),
                Triple("getProduct", "product", { id -> crm.getProduct(id) }),
                Triple("getPriceList", "price_list", { id -> crm.getPriceList(id) }),
                Triple("getQuote", "quote", { id -> crm.getQuote(id) }),
                Triple("dealsAtRisk", "pipeline", { id -> crm.dealsAtRisk(id) }),
            )
            for ((name, kind, call) in calls) {
                for (bad in listOf("nope", "contact_00000000000000000000000000", "")) {
                    val e = raises<CrmException.Validation>("$name(\"$bad\")") { call(bad) }
                    checkEq(kind, e.field, "field of $name(\"$bad\")")
                }
            }
            val deal = crm.createDeal(DealInput(title = "Deal"))
            val e = raises<CrmException.Validation>("a pipeline id as a stage id") {
                crm.moveDeal(deal.id, DealMove(stage = crm.defaultPipeline().id))
            }
            checkEq("stage", e.field, "field")
            val won = raises<CrmException.Validation>("a stage's name as its id") {
                crm.createDeal(DealInput(title = "Deal", stage = "Won"))
            }
            checkEq("stage", won.field, "field")
            ensure(won.reason.contains("is not a well-formed stage id")) { won.reason }
        }
    },
    "an unknown currency is a validation error, not a panic" to {
        testCrm().use { crm ->
            for (bad in listOf("ABC", "euro", "")) {
                val e = raises<CrmException.Validation>("setReportingCurrency(\"$bad\")") { crm.setReportingCurrency(bad) }
                checkEq("currency", e.field, "field")
                raises<CrmException.Validation>("convertMoney from \"$bad\"") {
                    crm.convertMoney(Money(amountMinor = 100, currency = bad), "EUR", "2026-11-22")
                }
            }
            checkEq("EUR", crm.reportingCurrency(), "unchanged")
            checkEq("PLN", crm.setReportingCurrency("pln"), "a code in lower case")
        }
    },
    "a bad decimal or date is a validation error" to {
        testCrm().use { crm ->
            val line = LineItemInput(description = "Hours", quantity = "1,5", unitPrice = Money(amountMinor = 100, currency = "EUR"))
            raises<CrmException.Validation>("quantity 1,5") { crm.createDeal(DealInput(title = "Deal", lineItems = listOf(line))) }
            val e = raises<CrmException.Validation>("2026-11-31") { crm.dealsClosing(ClosingQuery(since = "2026-11-31", until = "2026-12-01")) }
            checkEq("date", e.field, "field")
            checkEq(0uL, crm.countDeals(DealFilter()), "deals")
        }
    },
    "omitted enum fields take the core's defaults" to {
        testCrm().use { crm ->
            ensure(LeadQuery().filter.archived == null && DealQuery().sort.by == null) { "query defaults" }
            ensure(LeadConversion().contact == null && ForecastQuery().period == null) { "conversion and forecast defaults" }
            val lead = crm.createLead(LeadInput(givenName = "Ana", email = "ana@firma.pl", companyName = "Firma"))
            val converted = crm.convertLead(lead.id, LeadConversion())
            ensure(converted.contactCreated && converted.companyCreated) { "matched by email and domain: $converted" }
            checkEq(emptyList<Any>(), crm.forecast(ForecastQuery()).periods, "an empty forecast")
        }
    },

    // ---- the manual clock ----
    "advanceClock moves the manual clock and says where it stands" to {
        testCrm().use { crm ->
            val first = crm.createContact(ContactInput(givenName = "Ana")).createdAt
            val now = crm.advanceClock(3_600_000uL)
            checkEq(first.plusSeconds(3600 + 1), now, "an hour later, plus the reading's step")
            checkEq(now, crm.advanceClock(0uL), "advanceClock(0) only reads")
            checkEq(now, crm.createContact(ContactInput(givenName = "Ben")).createdAt, "the next reading")
            val e = raises<CrmException.Validation>("a huge advance") { crm.advanceClock(ULong.MAX_VALUE) }
            checkEq("millis", e.field, "field")
        }
        val e = raises<CrmException.Validation>("a huge step") {
            Crm.openInMemory(OpenOptions(clockStart = START, clockStepMillis = ULong.MAX_VALUE))
        }
        checkEq("clock_step_millis", e.field, "field")
    },
    "advanceClock without a manual clock is a validation error" to {
        Crm.openInMemory().use { crm ->
            val e = raises<CrmException.Validation>("advanceClock") { crm.advanceClock(1000uL) }
            checkEq("clock_start", e.field, "field")
        }
    },
    "a backup reopened where the clock stands keeps time running" to {
        testCrm().use { crm ->
            val ana = crm.createContact(ContactInput(givenName = "Ana"))
            val data = crm.backup()
            crm.advanceClock(60_000uL)
            Crm.openBytes(data, OpenOptions(clockStart = crm.advanceClock(0uL), clockStepMillis = 1000uL)).use { again ->
                val ben = again.createContact(ContactInput(givenName = "Ben"))
                checkEq(ana.createdAt.plusSeconds(1 + 60), ben.createdAt, "Ben's createdAt")
            }
        }
    },

    // ---- lifecycle ----
    "closeCrm: later calls raise Closed; closing twice is fine" to {
        val crm = testCrm()
        crm.createContact(ContactInput(givenName = "Ana"))
        crm.closeCrm()
        crm.closeCrm()
        val closed = raises<CrmException.Closed>("count after close") { crm.countContacts(ContactFilter()) }
        // The exception says what happened (uniffi writes the message from the fields).
        check(closed.message?.contains("the CRM is closed") == true) { "Closed's message: ${closed.message}" }
        raises<CrmException.Closed>("create after close") { crm.createContact(ContactInput(givenName = "B")) }
        crm.close()
    },
    "AutoCloseable.close frees the handle; use {} closes" to {
        val crm = testCrm()
        crm.use { it.createContact(ContactInput(givenName = "Ana")) }
        raises<IllegalStateException>("a call after close()") { crm.countContacts(ContactFilter()) }
        crm.close()
    },
    "a file persists across reopen and is opened once" to {
        val dir = Files.createTempDirectory("crm-kotlin")
        try {
            val path = dir.resolve("firma.crm").toString()
            val crm = Crm.open(path)
            val ana = crm.createContact(ContactInput(givenName = "Ana", birthday = "1990-01-02"))
            raises<CrmException.Storage>("a second open of the same file") { Crm.open(path) }
            checkEq("Ana", crm.getContact(ana.id).givenName, "the first handle still works")
            crm.close()
            Crm.open(path).use { again ->
                checkEq(ana, again.getContact(ana.id), "read back")
                checkEq(1uL, again.countContacts(ContactFilter()), "count")
            }
        } finally {
            dir.toFile().deleteRecursively()
        }
    },

    // ---- transactions ----
    "a transaction commits all its calls or none; use {} without commit rolls back" to {
        testCrm().use { crm ->
            crm.begin().use { tx ->
                ensure(tx.inTransaction() && !crm.inTransaction()) { "inTransaction" }
                val ana = tx.createContact(ContactInput(givenName = "Ana", emails = listOf(Email(address = "ana@firma.pl"))))
                tx.createCompany(CompanyInput(name = "Firma"))
                checkEq(ana, tx.findContactByEmail("ana@firma.pl"), "the transaction reads its writes")
                checkEq(0uL, crm.countContacts(ContactFilter()), "the CRM does not, before the commit")
                val e = raises<CrmException.Validation>("a write through the CRM on the transaction's thread") {
                    crm.createContact(ContactInput(givenName = "Jan"))
                }
                checkEq("batch", e.field, "field")
                tx.commit()
                ensure(!tx.inTransaction()) { "ended" }
                val ended = raises<CrmException.Validation>("a call after commit") { tx.countContacts(ContactFilter()) }
                checkEq("transaction", ended.field, "field")
            }
            checkEq(1uL, crm.countContacts(ContactFilter()), "committed")
            crm.begin().use { tx -> tx.createContact(ContactInput(givenName = "Ola")) } // no commit
            crm.begin().use { tx ->
                tx.createContact(ContactInput(givenName = "Ewa"))
                tx.rollback()
            }
            checkEq(1uL, crm.countContacts(ContactFilter()), "rolled back")
            crm.createContact(ContactInput(givenName = "Jan"))
            checkEq(2uL, crm.countContacts(ContactFilter()), "the thread writes again")
            val notTx = raises<CrmException.Validation>("commit on the CRM") { crm.commit() }
            checkEq("transaction", notTx.field, "field")
        }
    },

    // ---- threads ----
    "one Crm shared by threads" to {
        testCrm().use { crm ->
            val threads = 6
            val perThread = 25
            val ids = Collections.synchronizedList(ArrayList<String>())
            val errors = Collections.synchronizedList(ArrayList<Throwable>())
            val go = CyclicBarrier(threads)
            val workers = (0 until threads).map { n ->
                Thread {
                    try {
                        go.await(60, TimeUnit.SECONDS)
                        repeat(perThread) { i ->
                            val c = crm.createContact(ContactInput(givenName = "T$n", familyName = "N$i", emails = listOf(Email(address = "t$n.$i@x.pl"))))
                            ensure(crm.getContact(c.id).familyName == "N$i") { "read back" }
                            crm.countContacts(ContactFilter())
                            ids += c.id
                        }
                    } catch (e: Throwable) {
                        errors += e
                    }
                }.apply { start() }
            }
            workers.forEach { it.join(120_000) }
            ensure(workers.none { it.isAlive }) { "a thread hung" }
            ensure(errors.isEmpty()) { "threads failed: $errors" }
            checkEq(threads * perThread, ids.toSet().size, "distinct ids")
            checkEq((threads * perThread).toULong(), crm.countContacts(ContactFilter()), "count")
            checkEq(emptyList<String>(), crm.verify().problems, "verify")
        }
    },

    // ---- progress callbacks ----
    "a listener sees the progress" to {
        testCrm().use { crm ->
            val l = Answer(true)
            crm.importRecords(ImportData(contacts = (0 until 5).map { ContactInput(givenName = "C$it") }), l)
            ensure(l.seen.isNotEmpty()) { "never called" }
            ensure(l.seen.all { it.done <= it.total }) { "done > total: ${l.seen}" }
            checkEq(l.seen.last().total, l.seen.last().done, "the last call")
        }
    },
    "a listener returning false cancels" to {
        testCrm().use { crm ->
            crm.createContact(ContactInput(givenName = "Ana"))
            raises<CrmException.Cancelled>("import") { crm.importRecords(ImportData(contacts = listOf(ContactInput(givenName = "B"))), Answer(false)) }
            raises<CrmException.Cancelled>("backup") { crm.backup(Answer(false)) }
            checkEq(1uL, crm.countAll(), "contacts")
        }
    },
    "a throwing listener is an InternalException and the Crm survives" to {
        println("(the two Rust panics printed next are this test's, expected)")
        testCrm().use { crm ->
            val ana = crm.createContact(ContactInput(givenName = "Ana"))
            val e = raises<InternalException>("import") {
                crm.importRecords(ImportData(contacts = (0 until 3).map { ContactInput(givenName = "C$it") }), Throwing())
            }
            ensure(e.message!!.contains("the listener failed")) { "the message lost the cause: ${e.message}" }
            raises<InternalException>("backup") { crm.backup(Throwing()) }
            checkEq(1uL, crm.countAll(), "nothing was written")
            checkEq(ana, crm.getContact(ana.id), "unchanged")
            checkEq(emptyList<String>(), crm.verify().problems, "verify")
            crm.createContact(ContactInput(givenName = "Still works"))
            checkEq(2uL, crm.countAll(), "usable")
        }
    },
)

fun main() {
    var passed = 0
    val failures = ArrayList<String>()
    for ((name, body) in TESTS) {
        try {
            body()
            passed++
            println("PASS $name")
        } catch (e: Throwable) {
            val why = if (e is CheckFailed) e.message else e.toString()
            failures += "$name: $why"
            println("FAIL $name: $why")
        }
    }
    println()
    failures.forEach { println("FAILED $it") }
    println("kotlin-binding: $passed passed, ${failures.size} failed")
    exitProcess(if (failures.isEmpty()) 0 else 1)
}
