from nndoctor.cli import main

main(prog_name="nndoctor")
