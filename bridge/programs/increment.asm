; increment (ANC): add 1 to every element of the 0-terminated list at mem[0..]
; ANC's instruction set has no JMP: "JEZ r3, r4" with r3 = 0 jumps unconditionally.
.machine M=7 R=5
.init r0=0 r2=@end r4=@loop
loop:  r1 = READ r0
       JEZ r1, r2          ; end of list
       r1 = INC r1
       WRITE r0, r1
       r0 = INC r0
       JEZ r3, r4
end:   STOP
