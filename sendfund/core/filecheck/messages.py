"""Each refusal of an upload, in GOV.UK words: what is wrong and what to do."""


class UploadRefused(ValueError):
    """An upload the service will not keep; the message is for the person who chose the file."""


EMPTY = "The selected file is empty"
TOO_BIG = "The selected file must be smaller than 10MB"
WRONG_TYPE = "The selected file must be a PDF, Word, Excel or OpenDocument file"
HIDDEN_CHARACTERS = ("The file name must not contain hidden or control characters. Rename the file and upload "
                     "it again")
DOTFILE_NAME = "The file name must have a name before the extension, like plan.pdf. Rename the file and upload it again"
DOUBLE_EXTENSION = ("The file name must end in only one extension, like plan.pdf. Rename the file and upload it "
                    "again")
MISMATCH = ("The selected file is {label} but its name ends in {given}. Rename it to end in {true} and upload it "
            "again")
POLYGLOT = ("The selected file is a PDF and a ZIP archive at the same time. Save it again as a PDF and upload it "
            "again")
DAMAGED = "The selected file is damaged or incomplete. Save it again and upload it again"
ENCRYPTED = "The selected file is password protected. Remove the password and upload it again"
PDF_SCRIPT = ("The selected file contains JavaScript. Save it as a PDF without scripts, for example by printing "
              "it to PDF, and upload it again")
PDF_ACTION = ("The selected file contains actions that run when it is opened. Save it as a PDF without them, for "
              "example by printing it to PDF, and upload it again")
PDF_EMBEDDED = ("The selected file has other files attached inside it. Save it as a PDF without attachments and "
                "upload it again")
TOO_LONG = ("The selected file has too many pages or too much text to check. Upload a shorter document, such as "
            "a summary, of no more than 300 pages")
MACROS = "The selected file contains macros. Save it as a {extension} without macros and upload it again"
ZIP_BOMB = ("The selected file is too large when opened. Save it again as a {extension} with less in it and "
            "upload it again")
UNSAFE_XML = ("The selected file contains XML declarations that are not allowed. Save it again as a {extension} "
              "from Word, Excel or LibreOffice and upload it again")
RUNS_FORMULA = ("The selected file has a formula that runs a program or fetches a web page (such as DDE or "
                "WEBSERVICE). Remove the formula, save the file as a {extension} and upload it again")
TRAILING_DATA = ("The selected file has data after the end of the PDF. Save it again as a PDF, for example by "
                 "printing it to PDF, and upload it again")
EXTERNAL_CONTENT = ("The selected file loads content from another file or website when it is opened. Save it as "
                    "a {extension} without linked templates or objects and upload it again")
