/// Every subcommand, in the order `pimsim help` lists them. A new command adds one line here.
enum CommandRegistry {
    static let all: [CommandSpec] = [
        ZooCommand.spec,
        ParamsCommand.spec,
        RunCommand.spec,
        SweepCommand.spec,
        MergeCommand.spec,
        HwCommand.spec,
        FpgaCommand.spec,
        TrainCommand.spec,
        EvalCommand.spec,
        ConvertCommand.spec,
    ]
}
