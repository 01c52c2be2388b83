"""The demo city's service catalog: what each department offers, its form, and how cases go."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from staffdesk.catalog.models import FormField, Service
from staffdesk.config.demo.organization import Organization

Datatype = FormField.Datatype


@dataclass(frozen=True)
class FieldSpec:
    """One form question, with what demo requesters answer to it."""

    code: str
    label: str
    datatype: str
    required: bool = False
    description: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # lists: (key, name)
    samples: tuple[str, ...] = ()  # string and text answers
    low: float = 0  # number answers
    high: float = 0
    decimals: int = 0
    days: tuple[int, int] = (2, 30)  # datetime answers: days after filing


def string(code: str, label: str, *samples: str, required: bool = True, **kw) -> FieldSpec:
    return FieldSpec(code, label, Datatype.STRING, required, samples=samples, **kw)


def text(code: str, label: str, *samples: str, required: bool = False, **kw) -> FieldSpec:
    return FieldSpec(code, label, Datatype.TEXT, required, samples=samples, **kw)


def number(
    code: str, label: str, low: float, high: float, *, required: bool = True, **kw
) -> FieldSpec:
    return FieldSpec(code, label, Datatype.NUMBER, required, low=low, high=high, **kw)


def when(code: str, label: str, days: tuple[int, int], *, required: bool = True, **kw) -> FieldSpec:
    return FieldSpec(code, label, Datatype.DATETIME, required, days=days, **kw)


def one(code: str, label: str, *choices: tuple[str, str], required: bool = True, **kw) -> FieldSpec:
    return FieldSpec(code, label, Datatype.SINGLEVALUELIST, required, choices=choices, **kw)


def many(
    code: str, label: str, *choices: tuple[str, str], required: bool = False, **kw
) -> FieldSpec:
    return FieldSpec(code, label, Datatype.MULTIVALUELIST, required, choices=choices, **kw)


@dataclass(frozen=True)
class ServiceSpec:
    """A service, its form, and the lines its cases are written with.

    `requests` are (subject, description) templates filled with the answers' display values
    by field code; they may use only required fields. `{first}` is the requester's first name.
    """

    department: str
    code: str
    name: str
    group: str
    description: str
    keywords: str
    point: str
    backup: str
    fields: tuple[FieldSpec, ...] = ()
    confidential: bool = False
    information: bool = False
    weight: int = 0  # how often it is asked for, relative to the others
    customers: tuple[str, ...] = ()  # departments that mostly ask; empty means everyone
    requests: tuple[tuple[str, str], ...] = ()
    questions: tuple[tuple[str, str], ...] = ()  # (team asks, requester answers)
    notes: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()


BUILDINGS = (
    ("city-hall", "City Hall, 100 Main Street"),
    ("annex", "Municipal Annex, 12 Court Square"),
    ("ops-center", "Public Works Operations Center"),
    ("water-plant", "Riverside Water Treatment Plant"),
    ("library", "Central Library"),
)
COST_CENTERS = (
    ("1100", "1100 Mayor's Office"),
    ("2100", "2100 Human Resources"),
    ("2300", "2300 Information Technology"),
    ("2500", "2500 Finance"),
    ("4100", "4100 Facilities"),
    ("4300", "4300 Fleet Management"),
    ("4500", "4500 Water Operations"),
)
YES_NO = (("yes", "Yes"), ("no", "No"))

# One service per entry: department, code, name, group, description, keywords, point
# person, backup; then the form and the lines its cases are written with. Kept as a table.
S = ServiceSpec
# fmt: off
SERVICES: list[ServiceSpec] = [
    # --- Human Resources ------------------------------------------------------------------
    S(
        "HR", "hr-new-hire", "Hire a new employee", "Recruitment",
        "Open a vacancy and get help through posting, interviews and the offer. HR checks the "
        "position is budgeted, writes the posting with you and schedules the panel.",
        "hiring, vacancy, recruit, job posting, new position, interview",
        "cramirez", "lfischer", weight=4,
        fields=(
            string("position", "Position title", "Utility Worker II", "Accounts Payable Clerk",
                   "GIS Analyst", "Maintenance Technician", "Paralegal", "Buyer"),
            number("openings", "Number of openings", 1, 3),
            one("employment", "Employment type", ("full_time", "Full time"),
                ("part_time", "Part time"), ("seasonal", "Seasonal"), ("temporary", "Temporary")),
            when("start", "Preferred start date", (30, 90), required=False),
            text("duties", "Main duties and must-have skills",
                 "Operate and maintain equipment; a class B driver's licence is required.",
                 "Process invoices in the ERP, reconcile vendor statements, 2 years' experience.",
                 required=True),
        ),
        requests=(
            ("Vacancy: {position}", "We need to fill {openings} position(s) as {position} "
             "({employment}). The budget line is approved for this fiscal year."),
            ("Recruit a {position}", "One of our team is retiring; please help us post the "
             "{position} role so we have some overlap."),
        ),
        questions=(
            ("Can you send me the approved position control number so I can open the posting?",
             "It is PCN 4471, approved by Finance last month."),
            ("Who will sit on the interview panel? We need three names.",
             "Me, my supervisor and someone from the neighbouring crew."),
        ),
        notes=("Position is budgeted; checked with Finance.",
               "Posting drafted, waiting for the salary band from Compensation."),
        resolutions=("The posting is live on the careers page until the end of the month; "
                     "I will send you the shortlist.",
                     "Offer accepted; the new hire starts on the 1st. Onboarding tasks are open."),
    ),
    S(
        "HR", "hr-leave", "Leave of absence", "Leave",
        "Ask for medical, family, parental or military leave. Only the HR team sees this "
        "case; your supervisor is told the dates, never the reason.",
        "leave, absence, medical leave, parental leave, FMLA, sick",
        "jkim", "kpatel", confidential=True, weight=3,
        fields=(
            one("kind", "Kind of leave", ("medical", "Medical"), ("family", "Family care"),
                ("parental", "Parental"), ("military", "Military"), ("personal", "Personal")),
            when("first_day", "First day of leave", (7, 45)),
            when("last_day", "Expected last day", (30, 120), required=False),
            text("notes", "Anything HR should know",
                 "I will have a doctor's certificate next week.",
                 "I would like to come back part time for the first month."),
        ),
        requests=(
            ("{kind} leave from {first_day}", "I need to take leave ({kind}). Please tell me "
             "what paperwork you need from me."),
            ("Leave of absence request", "I am requesting leave ({kind}) starting {first_day}."),
        ),
        questions=(
            ("Could you send the medical certification form (WH-380) filled in by your doctor?",
             "Done, I dropped it at the HR counter this morning."),
        ),
        notes=("Eligibility confirmed: more than 12 months and 1,250 hours worked.",
               "Supervisor informed of the dates only."),
        resolutions=("Your leave is approved for the dates you gave. Payroll has the codes.",
                     "Approved. Let me know a week before you return so we can plan your "
                     "first days."),
    ),
    S(
        "HR", "hr-complaint", "Workplace complaint", "Employee relations",
        "Report harassment, discrimination, bullying or another workplace concern. The case is "
        "confidential to Employee Relations; retaliation is prohibited.",
        "complaint, harassment, discrimination, bullying, grievance, conduct",
        "kpatel", "cramirez", confidential=True, weight=1,
        fields=(
            one("nature", "What is it about", ("harassment", "Harassment"),
                ("discrimination", "Discrimination"), ("bullying", "Bullying"),
                ("safety", "Safety retaliation"), ("conduct", "Other conduct")),
            when("happened", "When did it happen (last time)", (-30, -1)),
            text("account", "What happened",
                 "In two team meetings comments were made about my accent in front of the crew.",
                 "A colleague keeps taking credit for my work and shouting when I object.",
                 required=True),
            many("wishes", "What would help", ("meeting", "A confidential meeting"),
                 ("mediation", "Mediation"), ("investigation", "A formal investigation"),
                 ("transfer", "A change of team")),
        ),
        requests=(
            ("Confidential: {nature}", "I would like to report a concern ({nature}). "
             "{account}"),
            ("Workplace concern", "{account}"),
        ),
        questions=(
            ("Thank you for raising this. When would suit you for a private conversation?",
             "Thursday afternoon works, away from my building if possible."),
        ),
        notes=("Intake meeting held; statement taken.",
               "Opened an investigation file; Law informed."),
        resolutions=("The investigation is complete and measures have been taken. Please "
                     "contact me directly if anything happens again.",
                     "Mediation took place and both sides agreed to the follow-up plan."),
    ),
    S(
        "HR", "hr-benefits", "Benefits change after a life event", "Benefits",
        "Add or remove dependants and change plans within 30 days of marriage, a birth, an "
        "adoption, a divorce or a loss of other coverage.",
        "benefits, insurance, dependant, health plan, dental, vision, open enrollment",
        "aosei", "jkim", confidential=True, weight=3,
        fields=(
            one("event", "Life event", ("marriage", "Marriage"), ("birth", "Birth"),
                ("adoption", "Adoption"), ("divorce", "Divorce"),
                ("coverage_loss", "Loss of other coverage")),
            when("event_date", "Date of the event", (-25, -1)),
            many("plans", "Plans to change", ("medical", "Medical"), ("dental", "Dental"),
                 ("vision", "Vision"), ("life", "Life insurance"), required=True),
            number("dependants", "Dependants to add", 0, 3, required=False),
        ),
        requests=(
            ("Benefits change: {event}", "Please update my coverage ({plans}) after the "
             "event on {event_date}."),
        ),
        questions=(
            ("We need a copy of the certificate (marriage or birth). Can you upload it?",
             "Uploaded a scan just now."),
        ),
        notes=("Within the 30-day window.", "Sent the change to the carrier."),
        resolutions=("Your coverage change is effective from the first of next month; new "
                     "cards are on their way.",),
    ),
    S(
        "HR", "hr-training", "Training course enrolment", "Learning",
        "Enrol yourself or your team in a city training course, or ask for external training "
        "to be funded from the central training budget.",
        "training, course, learning, certification, workshop",
        "bwalker", "jkim", weight=3,
        fields=(
            one("course", "Course", ("first_aid", "First aid and CPR"),
                ("supervision", "New supervisor essentials"), ("excel", "Excel intermediate"),
                ("cdl", "Commercial driver's licence prep"), ("deescalation", "De-escalation")),
            number("participants", "Number of participants", 1, 8),
            text("dates", "Preferred dates", "Any Tuesday or Thursday next month.",
                 "Mornings only, the crews are in the field after 1 pm."),
        ),
        requests=(
            ("{course} for {participants} people", "Please enrol {participants} people from "
             "my team."),
            ("Training: {course}", "I would like to take this course."),
        ),
        questions=(("Can you send the names and employee numbers of the participants?",
                    "Here they are: four people from the day shift, list attached."),),
        notes=("Next session has 6 seats left.",),
        resolutions=("You are enrolled; the calendar invitation is on its way.",
                     "Booked for the next session; the trainer will send the material."),
    ),
    S(
        "HR", "hr-employment-letter", "Employment verification letter", "Records",
        "A signed letter confirming your employment, title and salary for a bank, a landlord "
        "or a visa application.",
        "letter, employment verification, proof of employment, salary certificate",
        "jkim", "aosei", weight=2,
        fields=(
            one("purpose", "Purpose", ("mortgage", "Mortgage"), ("rental", "Rental"),
                ("visa", "Visa"), ("other", "Other")),
            string("addressee", "Addressed to", "First Federal Bank", "Oak Street Apartments",
                   "To whom it may concern"),
            number("copies", "Signed copies", 1, 3, required=False),
            one("salary", "Include salary", *YES_NO),
        ),
        requests=(("Employment letter for {addressee}", "I need a letter for an application "
                   "({purpose})."),),
        notes=("Salary confirmed with payroll.",),
        resolutions=("The signed letter is ready at the HR counter.",),
    ),
    S(
        "HR", "hr-holidays", "Public holidays and leave policy", "Leave",
        "The city observes 11 public holidays. Annual leave accrues each pay period and up to "
        "240 hours carry over. See the employee handbook, chapter 6, or ask HR.",
        "holidays, vacation, annual leave, carry over, policy, handbook",
        "aosei", "jkim", information=True,
    ),
    # --- Information Technology -----------------------------------------------------------
    S(
        "IT", "it-laptop", "New laptop", "Hardware",
        "A standard or power laptop for a new or existing employee, imaged with the city's "
        "software and encrypted. Replacement laptops are free after four years.",
        "laptop, computer, notebook, pc, replacement, hardware",
        "agent", "tbrooks", weight=8,
        fields=(
            one("model", "Model", ("standard", 'Standard 14"'), ("power", 'Power 16"'),
                ("rugged", "Rugged field tablet")),
            number("quantity", "Quantity", 1, 3),
            string("for_whom", "For whom", "a new hire starting next month", "myself",
                   "two seasonal workers", "the crew leader"),
            when("needed_by", "Needed by", (5, 30), required=False),
            many("accessories", "Accessories", ("dock", "Docking station"),
                 ("monitor", 'Monitor 24"'), ("headset", "Headset"), ("bag", "Bag")),
        ),
        requests=(
            ("Laptop: {quantity} x {model}", "For {for_whom}."),
            ("{model} laptop for {for_whom}", "The current machine is five years old and "
             "very slow."),
            ("Replacement laptop", "The hinge on my laptop broke. A {model} would be fine."),
        ),
        questions=(
            ("Which cost center should this be charged to, or is it a replacement?",
             "It is a replacement; the old one is asset tag 31882."),
            ("Do you need the GIS software on it? That needs the power model.",
             "No, the standard office software is enough."),
        ),
        notes=("In stock: 12 standard, 3 power. Imaging today.",
               "Ordered from the state contract; delivery in 5 business days.",
               "Old device to be wiped and recycled when the new one is handed over."),
        resolutions=("Your laptop is imaged and ready to pick up at the IT counter, 2nd floor. "
                     "Bring the old one.",
                     "Delivered and set up at the desk; the old laptop is collected."),
    ),
    S(
        "IT", "it-account", "New user account", "Accounts",
        "Email, network and application accounts for a new employee or contractor. Ask at "
        "least five working days before the start date.",
        "account, new user, email, onboarding, access, login",
        "agent", "mrossi", weight=5,
        fields=(
            string("person", "Name of the new user", "Jordan Blake", "Ana Ruiz", "Sam Carter",
                   "Lee Park", "Chris Moreno"),
            when("start", "Start date", (5, 20)),
            many("systems", "Systems needed", ("email", "Email and calendar"),
                 ("erp", "ERP (finance and HR)"), ("gis", "GIS"), ("permits", "Permitting"),
                 ("timesheets", "Timesheets"), ("work_orders", "Work orders"), required=True),
            string("mirror", "Same access as", "Hector Vega", "Emily White", required=False),
        ),
        requests=(
            ("Accounts for {person}", "{person} starts on {start}. Systems: {systems}."),
            ("New user: {person}", "New team member, please set up: {systems}."),
        ),
        questions=(("Is {person} an employee or a contractor? Contractors need an end date.",
                    "Employee, permanent position."),),
        notes=("HR record found; account created in the directory.",
               "ERP access needs the Finance approval form."),
        resolutions=("Accounts are ready. The temporary password is in a sealed envelope "
                     "with the supervisor.",),
    ),
    S(
        "IT", "it-password", "Password reset or locked account", "Accounts",
        "Locked out or forgot a password. For your own account, try the self-service reset at "
        "https://password.city.example first.",
        "password, locked, reset, login, can't sign in, MFA",
        "tbrooks", "mrossi", weight=8,
        fields=(
            one("system", "System", ("windows", "Windows and email"), ("erp", "ERP"),
                ("vpn", "VPN"), ("mfa", "MFA token"), ("other", "Other")),
            string("username", "Username", "hvega", "jwashington", "kmurphy", "nvolkova",
                   "rsullivan", "emccarthy"),
        ),
        requests=(
            ("Locked out: {system}", "I am locked out after too many attempts."),
            ("Password reset: {system}", "The self-service reset says my account is disabled."),
            ("New phone, MFA not working", "I changed phones and cannot sign in ({system})."),
        ),
        notes=("Identity verified by phone with the supervisor.",),
        resolutions=("Unlocked; you will be asked to choose a new password at sign-in.",
                     "MFA registered again on the new phone."),
    ),
    S(
        "IT", "it-software", "Software installation", "Software",
        "Install licensed or free software on a city computer. Software that needs a new "
        "licence goes through a short review and a purchase.",
        "software, install, licence, application, program",
        "ktanaka", "nbaptiste", weight=5,
        fields=(
            string("software", "Software", "AutoCAD LT", "Adobe Acrobat Pro", "QGIS",
                   "Tableau Reader", "Visio", "Notepad++"),
            one("licence", "Licence", ("existing", "We already have one"),
                ("purchase", "Needs to be bought"), ("free", "Free or open source")),
            string("asset_tag", "Computer asset tag", "31882", "40215", "38870", "41103",
                   required=False),
            text("reason", "What it is for", "To review engineering drawings from contractors.",
                 "To edit and sign PDF contracts.", required=True),
        ),
        requests=(
            ("Install {software}", "Licence: {licence}. {reason}"),
            ("{software} on my computer", "{reason}"),
        ),
        questions=(("Which computer? Please send the asset tag on the sticker underneath.",
                    "It's 40215."),),
        notes=("On the approved software list.", "Pushed through the software centre."),
        resolutions=("Installed; restart your computer before the first use.",
                     "Installed and licensed to you."),
    ),
    S(
        "IT", "it-incident", "Something is broken", "Support",
        "Report a problem with a computer, printer, network, email or a city application. For "
        "an outage affecting many people, call the service desk at extension 4357.",
        "broken, not working, error, printer, network, outage, help, incident",
        "tbrooks", "mrossi", weight=10,
        fields=(
            one("affected", "What is affected", ("computer", "My computer"),
                ("printer", "Printer"), ("network", "Network or Wi-Fi"), ("email", "Email"),
                ("application", "An application"), ("phone", "Desk phone")),
            number("people", "People affected", 1, 25),
            when("since", "Since when", (-3, 0), required=False),
            text("details", "What happens",
                 "The printer on the 3rd floor shows 'paper jam' but there is no paper in it.",
                 "Outlook keeps asking for my password.",
                 "Wi-Fi drops every few minutes in the council chamber.",
                 "The permitting system shows error 500 when I save.",
                 required=True),
        ),
        requests=(
            ("{affected} not working", "{details}"),
            ("Problem: {affected}", "{details} ({people} people affected)"),
            ("Urgent: {affected} down", "{details}"),
        ),
        questions=(
            ("Can you send a screenshot of the error message?", "Attached it to my reply."),
            ("Does it happen on other computers too?", "Yes, my colleague has it as well."),
        ),
        notes=("Known issue after last night's update; vendor ticket open.",
               "Replaced the fuser unit.", "Switch port 14 was flapping; moved to 18."),
        resolutions=("Fixed: the cached credentials were reset. Let us know if it comes back.",
                     "Replaced the faulty part; it is working again.",
                     "The vendor released a patch; installed on all affected machines."),
    ),
    S(
        "IT", "it-vpn", "Remote access (VPN)", "Network",
        "VPN access to work from home or from the field. Needs a city laptop and your "
        "supervisor's approval.",
        "vpn, remote access, work from home, telework, remote",
        "oschmidt", "nbaptiste", weight=3,
        fields=(
            one("reason", "Reason", ("telework", "Telework agreement"),
                ("oncall", "On-call duty"), ("field", "Field work"), ("travel", "Travel")),
            when("from_date", "Needed from", (1, 14)),
            string("supervisor", "Approving supervisor", "Rebecca Chen", "Paul Mensah",
                   "Ana Hernandez", "Jose Gutierrez"),
        ),
        requests=(("VPN access ({reason})", "Approved by {supervisor}; needed from "
                   "{from_date}."),),
        questions=(("Can your supervisor confirm the approval here?",
                    "Forwarded the approval email from my supervisor."),),
        notes=("Added to the VPN group.",),
        resolutions=("VPN access is active; the guide is on the intranet under IT > VPN.",),
    ),
    S(
        "IT", "it-guest-wifi", "Guest Wi-Fi", "Network",
        "Visitors connect to 'City-Guest' and accept the terms; no password is needed. "
        "Sessions last 8 hours. For events with more than 50 guests, tell IT a week ahead.",
        "wifi, wireless, guest, internet, visitor",
        "oschmidt", "nbaptiste", information=True,
    ),
    # --- Finance --------------------------------------------------------------------------
    S(
        "FIN", "fin-invoice", "Pay a vendor invoice", "Payables",
        "Send an approved invoice for payment. Invoices are paid net 30 from receipt; the "
        "goods or services must be received in the ERP first.",
        "invoice, payment, pay vendor, accounts payable, bill",
        "lmartin", "ewhite", weight=8,
        fields=(
            string("vendor", "Vendor", "Acme Office Supply", "Riverside Plumbing Co.",
                   "Metro Tire & Auto", "GreenLeaf Landscaping", "Summit Engineering"),
            string("invoice", "Invoice number", "INV-20931", "88412", "RPC-1187", "MT-5540",
                   "SE-2024-118"),
            number("amount", "Amount (USD)", 85, 48000, decimals=2),
            one("cost_center", "Cost center", *COST_CENTERS),
            when("due", "Due date", (5, 30), required=False),
            text("notes", "Notes", "Partial delivery; pay only the first two lines.",
                 "The vendor says the last invoice is still unpaid."),
        ),
        requests=(
            ("Invoice {invoice} from {vendor}", "Approved for payment: {amount} USD, "
             "cost center {cost_center}."),
            ("Please pay {vendor}", "Invoice {invoice}, {amount} USD."),
        ),
        questions=(
            ("The PO has no goods receipt yet. Can you receive it in the ERP?",
             "Done, received it this morning."),
            ("The amount is more than the PO balance. Is there a change order?",
             "Yes, change order 2 was approved; I have attached it."),
        ),
        notes=("Matched PO, receipt and invoice.", "Vendor banking details verified by phone."),
        resolutions=("Paid in this week's ACH run.", "Scheduled for payment on the due date."),
    ),
    S(
        "FIN", "fin-vendor-setup", "New vendor setup", "Payables",
        "Add a vendor to the ERP before the first purchase. Needs the W-9 and banking details "
        "on company letterhead.",
        "vendor, supplier, new vendor, W-9, setup",
        "ewhite", "lmartin", weight=3,
        fields=(
            string("vendor", "Vendor legal name", "Bright Signs LLC", "Lakeside Catering Inc.",
                   "Northwind Survey Partners", "Pioneer Safety Supply"),
            string("contact", "Vendor contact email", "billing@brightsigns.example",
                   "orders@lakeside.example", "ap@northwind.example"),
            one("w9", "W-9 received", *YES_NO),
            many("payment", "Payment methods", ("ach", "ACH"), ("check", "Check"),
                 ("pcard", "Purchasing card")),
        ),
        requests=(("New vendor: {vendor}", "Contact: {contact}. W-9 received: {w9}."),),
        questions=(("We need the W-9. Can you ask the vendor to send it?",
                    "The vendor sent it; attached."),),
        notes=("TIN matched with the IRS.", "Checked against the debarment list."),
        resolutions=("{vendor} is set up in the ERP; you can raise the purchase order now.",),
    ),
    S(
        "FIN", "fin-reimbursement", "Expense reimbursement", "Payables",
        "Get paid back for approved work expenses: travel, mileage, meals on travel, training "
        "fees. Attach the receipts; mileage at the IRS rate.",
        "reimbursement, expenses, mileage, travel, receipts",
        "ewhite", "jobrien", weight=6,
        fields=(
            number("amount", "Total (USD)", 12, 1400, decimals=2),
            when("spent_on", "Date of the expense", (-40, -1)),
            many("categories", "Categories", ("travel", "Travel"), ("meals", "Meals"),
                 ("mileage", "Mileage"), ("training", "Training fee"),
                 ("supplies", "Supplies"), required=True),
            text("purpose", "Business purpose", "State conference in the capital.",
                 "Site visits to the pumping stations.", "Certification exam fee."),
        ),
        requests=(("Reimbursement: {amount} USD", "Expenses from {spent_on}: {categories}."),),
        questions=(("One receipt is missing (the hotel). Can you add it?",
                    "Found it in my email; attached."),),
        notes=("Approved by the supervisor in the ERP.",),
        resolutions=("Reimbursed with the next payroll.",),
    ),
    S(
        "FIN", "fin-budget-transfer", "Budget transfer", "Budget",
        "Move budget between accounts within your department. Transfers above $25,000 or "
        "between departments need the City Administrator's approval.",
        "budget, transfer, appropriation, account, funds",
        "tadeyemi", "rchen", weight=3,
        customers=("FAC", "FLEET", "WATER", "IT", "PW", "HR"),
        fields=(
            string("from_account", "From account", "4100-52100 Repairs", "2300-53400 Software",
                   "4500-52200 Chemicals", "4300-52400 Parts"),
            string("to_account", "To account", "4100-54100 Equipment", "2300-54200 Hardware",
                   "4500-52100 Repairs", "4300-51300 Overtime"),
            number("amount", "Amount (USD)", 1500, 60000),
            text("justification", "Justification",
                 "Unplanned pump replacement after the flood.",
                 "Licence costs lower than budgeted; hardware refresh moved forward.",
                 required=True),
        ),
        requests=(("Transfer {amount} USD to {to_account}", "{justification}"),),
        questions=(("Is this a one-time transfer, or should next year's budget change too?",
                    "One time only."),),
        notes=("Funds available in the source account.", "Needs CA approval: above $25,000."),
        resolutions=("Transfer posted; the funds are available in the new account.",),
    ),
    # --- Procurement ----------------------------------------------------------------------
    S(
        "PROC", "proc-purchase", "Purchase request", "Purchasing",
        "Buy goods or services up to $50,000. Procurement finds the best contract or gets "
        "three quotes and issues the purchase order.",
        "purchase, buy, order, quote, purchase order, PO, supplies",
        "jnovak", "mali", weight=7,
        fields=(
            string("item", "What to buy", "Traffic cones", "Office chairs", "Hydrant wrenches",
                   "Portable generators", "Standing desks", "Safety vests"),
            number("quantity", "Quantity", 1, 100),
            number("estimate", "Estimated total (USD)", 200, 45000),
            one("funding", "Funding", ("operating", "Operating budget"),
                ("capital", "Capital project"), ("grant", "Grant")),
            when("needed_by", "Needed by", (10, 45), required=False),
            text("justification", "Why", "Replacing worn-out equipment.",
                 "New crew starting in spring."),
        ),
        requests=(
            ("Buy {item}", "About {estimate} USD, funding: {funding}."),
            ("Purchase: {item} x {quantity}", "Please order these; funding: {funding}."),
        ),
        questions=(("Do you have a preferred vendor or a quote already?",
                    "We used Pioneer Safety Supply last time."),),
        notes=("Available on the state cooperative contract.", "Three quotes received."),
        resolutions=("PO issued; the vendor confirmed delivery within two weeks.",
                     "Ordered on the cooperative contract; delivery next week."),
    ),
    S(
        "PROC", "proc-solicitation", "Formal bid or RFP", "Solicitations",
        "Purchases above $50,000 need a public solicitation: an invitation for bids, a request "
        "for proposals or a request for qualifications. Allow 8 to 12 weeks.",
        "bid, RFP, RFQ, tender, solicitation, proposal",
        "mali", "rsantos", weight=2,
        fields=(
            string("project", "Project", "Roof replacement, Municipal Annex",
                   "Water meter reading system", "Fleet telematics", "Janitorial services"),
            one("kind", "Kind", ("ifb", "Invitation for bids"),
                ("rfp", "Request for proposals"), ("rfq", "Request for qualifications")),
            number("value", "Estimated value (USD)", 60000, 900000),
            when("award_by", "Award needed by", (60, 120)),
            text("scope", "Scope", "Remove and replace 18,000 sq ft of membrane roof.",
                 "Supply, install and maintain the system for five years.", required=True),
        ),
        requests=(("{kind}: {project}", "Estimated {value} USD. {scope}"),),
        questions=(("Who will be on the evaluation committee?",
                    "Our director, the project engineer and someone from Finance."),),
        notes=("Draft solicitation sent to Law for review.", "Pre-bid meeting scheduled."),
        resolutions=("Awarded; the contract is with the vendor for signature.",),
    ),
    S(
        "PROC", "proc-contract-change", "Contract renewal or amendment", "Contracts",
        "Renew, extend, amend or end an existing contract. Start at least 60 days before it "
        "expires.",
        "contract, renewal, amendment, extension, change order",
        "rsantos", "mali", weight=3,
        fields=(
            string("contract", "Contract number", "C-2021-044", "C-2022-117", "C-2023-009",
                   "C-2020-201"),
            string("vendor", "Vendor", "GreenLeaf Landscaping", "Metro Tire & Auto",
                   "CleanCo Janitorial", "Summit Engineering"),
            one("change", "Change", ("renew", "Renew"), ("extend", "Extend"),
                ("amend", "Amend scope or price"), ("terminate", "Terminate")),
            text("details", "Details", "Add two more parks to the mowing schedule.",
                 "Exercise the second one-year option."),
        ),
        requests=(("{change}: {contract} ({vendor})", "Change requested: {change}."),),
        questions=(("Has the vendor's insurance certificate been renewed?",
                    "They sent the new certificate yesterday."),),
        notes=("Option years remaining: 1.", "Sent to Law for the amendment wording."),
        resolutions=("The amendment is signed by both parties and filed.",),
    ),
    S(
        "PROC", "proc-thresholds", "Purchasing thresholds and rules", "Purchasing",
        "Up to $5,000: purchasing card or one quote. $5,000 to $50,000: three written quotes "
        "through Procurement. Above $50,000: formal solicitation and council approval.",
        "thresholds, quotes, rules, purchasing policy, pcard",
        "mali", "jnovak", information=True,
    ),
    # --- Facilities -----------------------------------------------------------------------
    S(
        "FAC", "fac-repair", "Building repair", "Maintenance",
        "Heating and cooling, plumbing, electrical, doors, roofs and anything else broken in a "
        "city building. Emergencies (flooding, no power) by phone: extension 2200.",
        "repair, broken, leak, heating, air conditioning, HVAC, light, door, toilet",
        "dthompson", "ahernandez", weight=10,
        fields=(
            one("building", "Building", *BUILDINGS),
            string("room", "Room or area", "Room 204", "Council chamber", "2nd floor restrooms",
                   "Loading dock", "Break room", "Lobby"),
            one("problem", "Problem", ("hvac", "Heating or cooling"), ("plumbing", "Plumbing"),
                ("electrical", "Electrical or lighting"), ("doors", "Doors and locks"),
                ("roof", "Roof or leak"), ("other", "Other")),
            text("details", "Details", "It is 85°F in the office by noon.",
                 "The sink is leaking under the cabinet.",
                 "Half the lights flicker.", "The door does not latch.", required=True),
        ),
        requests=(
            ("{problem}: {room}", "{details} ({building})"),
            ("{room}, {building}: {problem}", "{details}"),
        ),
        questions=(("When can we get into the room without disturbing a meeting?",
                    "Any time before 9 am."),),
        notes=("Parts ordered.", "Contractor needed; called Riverside Plumbing.",
               "Found a tripped breaker on panel B."),
        resolutions=("Repaired. Please tell us if it happens again.",
                     "Replaced the faulty part; tested and working."),
    ),
    S(
        "FAC", "fac-move", "Office move", "Space",
        "Move people, furniture and equipment between offices or buildings. IT and phones are "
        "coordinated with the move.",
        "move, relocation, office, desk, furniture",
        "cevans", "ahernandez", weight=2,
        fields=(
            string("from_place", "From", "City Hall room 210", "Annex 1st floor",
                   "Operations Center trailer"),
            string("to_place", "To", "Annex room 305", "City Hall room 118",
                   "Operations Center room B"),
            number("people", "People moving", 1, 12),
            when("move_date", "Move date", (14, 45)),
            many("needs", "Needs", ("furniture", "Furniture"), ("boxes", "Boxes and crates"),
                 ("it", "Computers and network"), ("phones", "Phones")),
        ),
        requests=(("Move {people} people to {to_place}", "From {from_place} on "
                   "{move_date}."),),
        questions=(("Do you need new furniture or do you take yours along?",
                    "We take ours; only two extra desks."),),
        notes=("Movers booked.", "IT informed for the network drops."),
        resolutions=("The move is done; let us know about anything missing.",),
    ),
    S(
        "FAC", "fac-room-setup", "Event room setup", "Events",
        "Set up chairs, tables and audio-visual equipment for meetings and public events in "
        "city buildings.",
        "event, room setup, chairs, tables, projector, microphone, meeting",
        "cevans", "dthompson", weight=4,
        fields=(
            one("room", "Room", ("chamber", "Council chamber"), ("training", "Training room A"),
                ("atrium", "City Hall atrium"), ("library_hall", "Library hall")),
            when("event_at", "Start of the event", (3, 30)),
            number("attendees", "Attendees", 10, 150),
            many("setup", "Setup", ("chairs", "Chairs in rows"), ("tables", "Tables"),
                 ("projector", "Projector and screen"), ("microphone", "Microphones"),
                 ("catering", "Catering area"), required=True),
        ),
        requests=(("Setup for {attendees} people: {room}", "Event on {event_at}; we need: "
                   "{setup}."),),
        questions=(("How long do you need the room after the event?",
                    "One hour for clean-up."),),
        notes=("Crew scheduled for the morning.",),
        resolutions=("The room is set up as asked.",),
    ),
    S(
        "FAC", "fac-keys", "Keys and access badge", "Security",
        "New keys, badge access to buildings and rooms, or lost badges. Access to secure areas "
        "needs the area owner's approval.",
        "keys, badge, access card, lock, door access, lost badge",
        "fmiller", "ahernandez", weight=4,
        fields=(
            one("building", "Building", *BUILDINGS),
            string("areas", "Doors or areas", "Main entrance and 2nd floor",
                   "Server room", "Chemical store", "Parking garage"),
            one("request", "Request", ("new", "New access"), ("lost", "Lost or stolen badge"),
                ("remove", "Remove access")),
        ),
        requests=(("Badge, {request}: {building}", "Areas: {areas}."),),
        questions=(("Access to secure areas needs the owner's approval. Who owns that area?",
                    "Our director approved it by email; forwarded it to you."),),
        notes=("Old badge disabled.",),
        resolutions=("Your badge is programmed; pick it up at the security desk.",),
    ),
    # --- Law ------------------------------------------------------------------------------
    S(
        "LAW", "law-contract-advice", "Legal advice on a contract", "Advice",
        "Review of a contract, agreement or terms before signature, or advice on a dispute "
        "with a contractor. Attorney-client privileged: only the Law Department sees the case.",
        "contract review, legal advice, agreement, terms, lawyer, attorney",
        "sowusu", "rgoldberg", confidential=True, weight=4,
        fields=(
            string("title", "Contract or agreement", "Software subscription agreement",
                   "Intergovernmental agreement with the county", "Construction contract",
                   "Data sharing agreement", "Event sponsorship agreement"),
            string("counterparty", "Other party", "CloudParks Inc.", "Summit Engineering",
                   "Riverside County", "Metro Transit Authority"),
            number("value", "Value (USD)", 0, 750000, required=False),
            when("review_by", "Review needed by", (5, 25)),
            one("kind", "Kind", ("new", "New contract"), ("renewal", "Renewal"),
                ("dispute", "Dispute"), ("terms", "Online terms")),
            text("questions", "Your questions", "Is the indemnity clause acceptable?",
                 "Can we end the contract early if the grant is not renewed?",
                 "The vendor wants us to accept their liability cap."),
        ),
        requests=(("Review: {title}", "With {counterparty}; needed by {review_by}."),),
        questions=(("Please send the vendor's latest draft in Word, not PDF.",
                    "Attached the Word version."),),
        notes=("Liability cap below our policy minimum; redline sent.",
               "Conflicts check done."),
        resolutions=("Redlined version attached; you can sign once the vendor accepts the "
                     "changes.",
                     "Approved as to form."),
    ),
    S(
        "LAW", "law-records", "Public records request review", "Records",
        "Legal review of documents before they are released under the public records act, and "
        "redaction of exempt information.",
        "public records, FOIA, redaction, disclosure, records request",
        "akhan", "mlopez", weight=3,
        fields=(
            string("reference", "Records request number", "PRR-2291", "PRR-2307", "PRR-2318",
                   "PRR-2334"),
            when("due", "Statutory due date", (4, 15)),
            many("records", "Kinds of records", ("email", "Email"), ("contracts", "Contracts"),
                 ("permits", "Permits"), ("personnel", "Personnel files"),
                 ("video", "Video"), required=True),
            text("notes", "Notes", "About 300 emails; some mention an ongoing claim."),
        ),
        requests=(("Review {reference}", "Records: {records}. Due {due}."),),
        questions=(("Can you narrow the date range with the requester?",
                    "They agreed to January to March."),),
        notes=("Personal data to redact on 40 pages.", "Asked for a 10-day extension."),
        resolutions=("Reviewed and redacted; ready for release.",),
    ),
    S(
        "LAW", "law-claim", "Claim or lawsuit notice", "Litigation",
        "Tell the Law Department at once about a claim, a demand letter or a lawsuit served on "
        "the city, and about incidents likely to lead to one.",
        "claim, lawsuit, litigation, subpoena, demand letter, accident",
        "rgoldberg", "mlopez", confidential=True, weight=2,
        fields=(
            one("kind", "Kind", ("claim", "Claim"), ("lawsuit", "Lawsuit"),
                ("subpoena", "Subpoena"), ("incident", "Incident")),
            when("received", "Received or happened on", (-10, 0)),
            string("party", "Claimant or party", "A resident", "A contractor",
                   "An insurance company"),
            text("summary", "What happened",
                 "A resident says a city truck damaged their fence.",
                 "Served with a subpoena for maintenance records of a pump station.",
                 required=True),
        ),
        requests=(("{kind} received on {received}", "{summary}"),),
        notes=("Litigation hold sent to the department.", "Insurer notified."),
        resolutions=("We have taken over the claim; keep all records.",),
    ),
    # --- Fleet Management -----------------------------------------------------------------
    S(
        "FLEET", "fleet-repair", "Vehicle repair", "Maintenance",
        "Repairs and inspections of city vehicles and equipment. Vehicles that are not safe to "
        "drive are picked up by the tow service.",
        "vehicle, truck, car, repair, brakes, tires, check engine, fleet",
        "jgutierrez", "tpetrov", weight=6,
        customers=("WATER", "FAC", "PW"),
        fields=(
            string("unit", "Unit number", "W-114", "W-207", "F-032", "PW-019", "W-122", "F-045"),
            number("odometer", "Odometer (miles)", 4000, 140000),
            one("problem", "Problem", ("brakes", "Brakes"), ("engine", "Engine or check light"),
                ("tires", "Tires"), ("electrical", "Electrical"),
                ("hydraulics", "Hydraulics"), ("body", "Body damage")),
            one("drivable", "Safe to drive", *YES_NO),
            text("details", "Details", "Grinding noise when braking.",
                 "Check engine light since Monday.", "Lift gate does not go up."),
        ),
        requests=(("{unit}: {problem}", "Safe to drive: {drivable}. Odometer {odometer}."),),
        questions=(("Can you bring {unit} to the shop tomorrow at 7 am?",
                    "Yes, it will be there at 7."),),
        notes=("Parts on order.", "Diagnostic code P0420."),
        resolutions=("Repaired and ready to collect at the shop.",),
    ),
    S(
        "FLEET", "fleet-pool", "Pool vehicle reservation", "Motor pool",
        "Reserve a pool car, van or pickup for city business. Keys at the motor pool desk; "
        "return it with at least half a tank.",
        "pool car, reservation, van, pickup, vehicle booking",
        "lbaker", "dyoung", weight=5,
        fields=(
            when("pickup", "Pick-up", (2, 20)),
            one("vehicle", "Vehicle", ("sedan", "Sedan"), ("van", "Passenger van"),
                ("pickup", "Pickup truck"), ("ev", "Electric car")),
            string("destination", "Destination", "State capital", "County fairgrounds",
                   "Training centre", "Reservoir site"),
            number("passengers", "Passengers", 1, 7, required=False),
        ),
        requests=(("{vehicle} to {destination}", "Pick-up {pickup}."),),
        notes=("Reserved unit P-07.",),
        resolutions=("Reserved; keys at the motor pool desk.",),
    ),
    # --- Water ----------------------------------------------------------------------------
    S(
        "WATER", "water-locate", "Utility locate before digging", "Field services",
        "Water mains and service lines marked before any city crew or contractor digs. Ask at "
        "least three working days ahead.",
        "locate, dig, excavation, water main, marking, underground",
        "vpopescu", "pmensah", weight=4,
        customers=("FAC", "IT", "PW", "FLEET"),
        fields=(
            string("address", "Address", "200 Elm Street", "Riverside Park",
                   "Main St & 4th Ave", "Operations Center yard"),
            when("dig_on", "Digging on", (3, 15)),
            one("work", "Work", ("fiber", "Fibre or cable"), ("sign", "Sign or post"),
                ("tree", "Tree planting"), ("foundation", "Foundation")),
            text("area", "Area to mark", "The strip between the sidewalk and the curb, 40 ft.",
                 "Around the new bench."),
        ),
        requests=(("Locate at {address}", "Digging from {dig_on} ({work})."),),
        notes=("Marked with blue paint and flags.",),
        resolutions=("Marked; the marks are valid for 10 working days.",),
    ),
    S(
        "WATER", "water-shutoff", "Water shut-off for a city building", "Field services",
        "Planned shut-off of the water supply to a city building for repairs.",
        "shut-off, water off, valve, plumbing work",
        "pmensah", "vpopescu", weight=1,
        customers=("FAC",),
        fields=(
            one("building", "Building", *BUILDINGS),
            when("start", "Start", (3, 20)),
            number("hours", "Duration (hours)", 1, 8),
            text("reason", "Reason", "Replacing the backflow preventer.",
                 "Moving the kitchen sink.", required=True),
        ),
        requests=(("Shut-off: {building}", "{hours} hours from {start}. {reason}"),),
        notes=("Valve exercised; it closes fully.",),
        resolutions=("Supply restored after the work.",),
    ),
]
# fmt: on


@dataclass
class Catalog:
    """The generated services and their specs, by code."""

    services: dict[str, Service] = field(default_factory=dict)
    specs: dict[str, ServiceSpec] = field(default_factory=dict)


def catalog_create(*, organization: Organization, established_at: datetime) -> Catalog:
    catalog = Catalog()
    people = organization.people
    for spec in SERVICES:
        service = Service.objects.create(
            department=organization.departments[spec.department],
            code=spec.code,
            name=spec.name,
            description=spec.description,
            keywords=spec.keywords,
            group=spec.group,
            point_person=people[spec.point],
            backup=people[spec.backup],
            confidential=spec.confidential,
            fulfilment=(
                Service.Fulfilment.INFORMATION if spec.information else Service.Fulfilment.REQUEST
            ),
            created_at=established_at,
            updated_at=established_at,
        )
        FormField.objects.bulk_create(
            FormField(
                service=service,
                code=field_spec.code,
                label=field_spec.label,
                description=field_spec.description,
                datatype=field_spec.datatype,
                required=field_spec.required,
                order=order,
                values=[{"key": key, "name": name} for key, name in field_spec.choices],
            )
            for order, field_spec in enumerate(spec.fields, start=1)
        )
        catalog.services[spec.code] = service
        catalog.specs[spec.code] = spec
    return catalog
