; map_inc: add 1 to every cell of a 0-terminated list
.machine M=8 R=5
.init r0=0 r2=@end r4=@loop
loop:  r1 = READ r0
       JEZ r1, r2          ; end of list
       r1 = INC r1
       WRITE r0, r1
       r0 = INC r0
       JMP r4
end:   STOP
