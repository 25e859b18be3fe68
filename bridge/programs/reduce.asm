; reduce: mem[0] <- sum of the 0-terminated list at mem[1..]
.machine M=8 R=5
.init r0=1 r2=0 r3=@end r4=@loop
loop:  r1 = READ r0
       JEZ r1, r3          ; terminator: r1 is 0 from here on
       r2 = ADD r2, r1
       r0 = INC r0
       JMP r4
end:   WRITE r1, r2        ; r1 = 0 addresses mem[0]
       STOP
