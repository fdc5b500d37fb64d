from peertui.startup import main

main()
