import ArrearsCLI

ArrearsCommand.main()
